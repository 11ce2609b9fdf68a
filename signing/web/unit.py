"""One unit of work per page operation: commit once on success, roll back on a refusal.

A view wraps the operation it calls::

    with UnitOfWork() as work:
        mandate = record_mandate(db.session, ...)
    if work.refused:
        return redirect(url_for(".mandates"))  # the refusal is already flashed
    flash(gettext("Mandat dicatat."), "success")

On leaving the block without an error the session is committed, once. An expected refusal
(:data:`REFUSALS`, or the classes the view names) rolls everything back, is kept on
``work.refusal`` with its lines in ``work.messages`` (in the reader's language), is flashed unless
the view asks for the lines alone, and does not propagate. Any other error rolls back and
propagates (the app's error handlers answer it). Views never call ``commit`` or ``rollback``
themselves; one that only writes a record (a printed copy's audit entry) uses
:func:`signing.db.committed`, one that only reads :func:`signing.db.read_only` (the API uses
both too), and a refusal found outside a unit of work keeps its audit entry with
:func:`record_refusal`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType

from flask import flash
from flask_babel import gettext

from signing import db
from signing.commitments.errors import GenerationRefused
from signing.db import committed
from signing.secretariat.errors import SecretariatRefused
from signing.workflow.rules import WorkflowRefused

#: What the secretariat's operations raise when they refuse (the others are bugs or outages).
REFUSALS: tuple[type[Exception], ...] = (WorkflowRefused, SecretariatRefused, GenerationRefused)
#: A list of problems (a CSV import) is shown up to this many lines, then counted.
MAX_LINES = 50


def problem_lines(errors: Sequence[str | WorkflowRefused]) -> list[str]:
    """The problems found, in the reader's language, up to :data:`MAX_LINES` (then counted).

    A refusal of the catalogue is shown by its ``text()``; a plain string (a page's own check)
    is already a translated text or a msgid."""
    lines = [
        problem.text() if isinstance(problem, WorkflowRefused) else gettext(problem)
        for problem in errors[:MAX_LINES]
    ]
    if len(errors) > MAX_LINES:
        lines.append(gettext("... dan %(count)s kesalahan lainnya.", count=len(errors) - MAX_LINES))
    return lines


def refusal_lines(error: Exception) -> list[str]:
    """What to tell the reader about ``error``: a refusal's own text, or its list of problems."""
    if isinstance(error, SecretariatRefused):
        return problem_lines(error.problems)
    text = getattr(error, "text", None)  # a catalogue refusal (WorkflowRefused, CarriesRefusal)
    return [text()] if callable(text) else [str(error)]


def carried_text(error: Exception) -> list[str]:
    """The lines of a lower layer's error that names its catalogue entry (PKI, specimens)."""
    refused = getattr(error, "refused", None)
    return [refused().text()] if callable(refused) else [str(error)]


class UnitOfWork:
    """The transaction of one page operation (see the module's docstring).

    :param refusals: the exception classes that are refusals here (default :data:`REFUSALS`).
    :param explain: the lines for a refusal, when the view words it itself (default
        :func:`refusal_lines`).
    :param flash_as: the flash category of the lines, or None to leave them to the view (a JSON
        answer).
    :param keep: the refusals whose own writes are committed instead of rolled back: an operation
        that records why it refused (a failed passphrase's audit entry and throttle count) and
        wrote nothing else.
    """

    def __init__(
        self,
        *refusals: type[Exception],
        explain: Callable[[Exception], list[str]] = refusal_lines,
        flash_as: str | None = "error",
        keep: tuple[type[Exception], ...] = (),
    ) -> None:
        self.refusals = refusals or REFUSALS
        self.explain = explain
        self.flash_as = flash_as
        self.keep = keep
        self.refusal: Exception | None = None
        self.messages: list[str] = []

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def message(self) -> str:
        """The refusal's lines as one text (for a JSON answer)."""
        return " ".join(self.messages)

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> bool:
        if error is None or isinstance(error, self.keep):
            db.session.commit()
        else:
            db.session.rollback()
        if error is None or not isinstance(error, self.refusals + self.keep):
            return False
        self.refusal = error
        self.messages = self.explain(error)
        if self.flash_as:
            for line in self.messages:
                flash(line, self.flash_as)
        return True


def record_refusal(write: Callable[[], object]) -> None:
    """A refusal found outside a unit of work: roll back what the request wrote, then commit the
    refusal's own record (``write``, its audit entry) on its own."""
    db.session.rollback()
    with committed():
        write()
