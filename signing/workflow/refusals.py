"""Every refusal of the application, once: its API code, HTTP status and Indonesian message.

A refusal is raised as ``refuse("already_signed")`` (or ``CATALOGUE["already_signed"](...)``):
the result is a :class:`WorkflowRefused` that carries its :class:`Refusal` entry and the values
of the message's ``%(name)s`` placeholders. Keyword arguments that are not placeholders are
``details`` (the API shows the plain ones, e.g. ``waiting_for``).

- ``message`` is the Indonesian text, rendered once: the audit log keeps it.
- :meth:`WorkflowRefused.text` is the text in the current request's locale: the entry's msgid
  through the Babel catalogue, with each parameter the entry lists in ``translated`` (an act
  kind's or a slot state's label: msgids themselves) translated too, and a :class:`Phrase`
  (a parameter that is a sentence part with values of its own) rendered the same way.
- :meth:`WorkflowRefused.english` is that text in English (the API's ``message_en``).

Several entries may share one ``code`` (``already_done`` covers "already signed" and "already
initialled"); API clients read the code, people read the message. The table at the end is laid
out by code: ``TABLE[code] = (status, meaning, {key: N_("message"), ...})``. The web pages (the
``refusal`` template filter), the signing desk, the JSON API and the API contract all read this
one table (its data: :mod:`signing.workflow.refusal_texts`, with :data:`CODES`, each API code's
status and meaning). Each message is a msgid of the English catalogue
(``signing/translations/en/LC_MESSAGES/messages.po``); a test checks that each has a translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from signing.workflow.refusal_texts import N_, TABLE

__all__ = [
    "CATALOGUE",
    "CODES",
    "CarriesRefusal",
    "N_",
    "Phrase",
    "Refusal",
    "WorkflowError",
    "WorkflowRefused",
    "joined",
    "phrase",
    "refusal_text",
    "refuse",
]


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _gettext(message: str) -> str:
    """``message`` through the current locale's catalogue (unchanged outside an app)."""
    try:
        from flask_babel import gettext

        return gettext(message)
    except RuntimeError:  # no application context: the Indonesian source
        return message


@dataclass(frozen=True)
class Phrase:
    """A parameter that is itself a sentence part with values: rendered (and translated) late."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    lower: bool = False

    def render(self, translate: bool) -> str:
        template = _gettext(self.message) if translate else self.message
        values = {name: _render(value, translate) for name, value in self.params.items()}
        text = template % values if values else template
        return text.lower() if self.lower else text


def _render(value: Any, translate: bool) -> str:
    if isinstance(value, Phrase):
        return value.render(translate)
    if isinstance(value, list | tuple):  # a list of problems: "a; b"
        return "; ".join(_render(item, translate) for item in value)
    return str(value)


#: Sentence parts that carry values of their own (:class:`~signing.workflow.refusals.Phrase`).
PHRASES: dict[str, str] = {
    "not_a_number": N_("'%(text)s' bukan angka"),
    "negative": N_("%(value)s negatif (harus 0 sampai 100)"),
    "over_100": N_("%(value)s melebihi 100"),
    "two_decimals": N_("%(value)s: paling banyak dua angka di belakang koma"),
    "period_invalid": N_("periode '%(text)s' tidak sah (mis. 2019-10)"),
    "and_more": N_("%(first)s dan %(count)s lainnya"),
}


def phrase(key: str, **params: Any) -> Phrase:
    """The sentence part ``key`` of the catalogue (:data:`PHRASES`) with its values."""
    return Phrase(PHRASES[key], params)


def joined(names: Sequence[str], joiner: str) -> str | Phrase:
    """ "A, B dan C" (``joiner`` is "dan" or "atau"), translated with the sentence."""
    if len(names) <= 1:
        return "".join(names)
    message = N_("%(first)s dan %(last)s") if joiner == "dan" else N_("%(first)s atau %(last)s")
    return Phrase(message, {"first": ", ".join(names[:-1]), "last": names[-1]})


@dataclass(frozen=True)
class Refusal:
    """One refusal: ``key`` names it in code, ``code`` and ``status`` in the API."""

    key: str
    code: str
    status: int
    message: str
    #: Parameters whose values are msgids (labels) and are translated with the message.
    translated: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        """The names of the message's placeholders."""
        return tuple(_PLACEHOLDER.findall(self.message))

    def __call__(self, **values: Any) -> WorkflowRefused:
        names = set(self.params)
        params = {k: v for k, v in values.items() if k in names}
        details = {k: v for k, v in values.items() if k not in names}
        missing = names - set(params)
        if missing:
            raise TypeError(f"refusal {self.key!r} needs {sorted(missing)}")
        return WorkflowRefused(entry=self, params=params, **details)

    def render(self, params: Mapping[str, Any], *, translate: bool) -> str:
        template = _gettext(self.message) if translate else self.message
        if not self.params:
            return template
        values = {
            name: _gettext(str(value))
            if translate and name in self.translated
            else _render(value, translate)
            for name, value in params.items()
        }
        return template % values


class WorkflowError(Exception):
    """Base class of workflow errors."""


class WorkflowRefused(WorkflowError):
    """An act (or operation) that the rules refuse; ``message`` is for the user, in Indonesian.

    Made from a catalogue entry (``refuse(key, **params)``). :attr:`context` is filled by the
    operation that refused (who, what, where) so that
    :func:`signing.workflow.operations.record_refusal` can write the audit entry after the
    caller rolled back.
    """

    def __init__(
        self,
        *,
        entry: Refusal,
        params: Mapping[str, Any] | None = None,
        **details: Any,
    ) -> None:
        self.entry = entry
        self.params: dict[str, Any] = dict(params or {})
        self.code = entry.code
        self.message = entry.render(self.params, translate=False)
        self.http_status = entry.status
        super().__init__(self.message)
        self.details = details
        self.context: dict[str, Any] = {}

    def text(self) -> str:
        """The message in the current request's locale."""
        return self.entry.render(self.params, translate=True)

    def english(self) -> str:
        """The message in English (the API's ``message_en``)."""
        try:
            from flask_babel import force_locale

            with force_locale("en"):
                return self.text()
        except RuntimeError:  # no application context
            return self.message

    def __repr__(self) -> str:
        return f"WorkflowRefused({self.code!r}, {self.message!r})"


class CarriesRefusal(Exception):
    """An error of a lower layer (PKI, specimen images) that names its catalogue entry.

    ``Error(refusal="certificate_expired", date="01-02-2026")`` renders the entry's Indonesian
    message; ``Error("free text")`` (administrators' and command-line problems) carries the class's
    ``refusal`` with the text as ``detail`` when that entry has one. :meth:`refused` is the
    :class:`WorkflowRefused` an act answers with.
    """

    #: The catalogue key this error refuses an act with, when the raise site names none.
    refusal: str = "signing_failed"

    def __init__(self, message: str | None = None, /, *, refusal: str | None = None, **params: Any):
        if refusal is not None:
            self.refusal = refusal
        entry = CATALOGUE[self.refusal]
        if message is not None and "detail" in entry.params:
            params = {"detail": message, **params}
        self.params: dict[str, Any] = params
        super().__init__(message if message is not None else entry.render(params, translate=False))

    def text(self) -> str:
        """The message in the current request's locale (its catalogue entry's)."""
        return self.refused().text()

    def refused(self) -> WorkflowRefused:
        """The refusal of an act stopped by this error (its message in the catalogue)."""
        entry = CATALOGUE[self.refusal]
        if set(entry.params) <= set(self.params):
            return entry(**self.params)
        return refuse("signing_failed", detail=str(self))


def refusal_text(refused: Any) -> str:
    """The ``refusal`` template filter: a refusal's message in the reader's language."""
    text = getattr(refused, "text", None)
    return text() if callable(text) else str(getattr(refused, "message", refused))


def refuse(key: str, **values: Any) -> WorkflowRefused:
    """The refusal ``key`` of the catalogue with its parameters (and details)."""
    return CATALOGUE[key](**values)


#: Entries whose status is not their code's.
STATUS: dict[str, int] = {
    "desk_event_missing": 404,
    "desk_document_missing": 404,
    "desk_official_inactive": 403,
    "desk_document_elsewhere": 403,
}

#: Parameters whose values are msgids themselves (labels), by entry.
TRANSLATED: dict[str, tuple[str, ...]] = {
    "wrong_kind": ("kind",),
    "signing_failed": ("detail",),
    "remind_done": ("state",),
    "remind_not_yet": ("state",),
    "event_order_missing": ("role",),
    "event_order_range": ("role",),
    "routing_invalid": ("detail",),
    "mcp_labelled": ("label",),
    "event_text_not_text": ("name",),
    "event_text_empty": ("name",),
}

_ENTRIES: list[Refusal] = [
    Refusal(key, code, STATUS.get(key, status), message, TRANSLATED.get(key, ()))
    for code, (status, _meaning, messages) in TABLE.items()
    for key, message in messages.items()
]

#: Every API error code: its HTTP status and what it means for a client (English).
CODES: dict[str, tuple[int, str]] = {
    code: (status, meaning) for code, (status, meaning, _messages) in TABLE.items()
}

#: Every refusal, by key.
CATALOGUE: dict[str, Refusal] = {entry.key: entry for entry in _ENTRIES}
