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
initialled"); API clients read the code, people read the message. The web pages (the
``refusal`` template filter), the signing desk, the JSON API and the API contract all read this
one table. Each message is a msgid of the English catalogue
(``signing/translations/en/LC_MESSAGES/messages.po``); a test checks that each has a translation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CATALOGUE",
    "CarriesRefusal",
    "N_",
    "Phrase",
    "Refusal",
    "WorkflowError",
    "WorkflowRefused",
    "joined",
    "refusal_text",
    "refuse",
]


def N_(message: str) -> str:
    """Marks a msgid for ``pybabel extract -k N_`` without translating it here."""
    return message


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
        code: str | None = None,
        message: str | None = None,
        *,
        http_status: int | None = None,
        entry: Refusal | None = None,
        params: Mapping[str, Any] | None = None,
        **details: Any,
    ) -> None:
        if entry is None:
            # A code and a fixed message: the catalogue's entry with that text.
            # A code and a message: the catalogue's entry with that text. Anything else is not
            # in the catalogue (a test keeps signing/ from doing that) and is shown as written.
            entry = _BY_TEXT.get((code or "", message or "")) or Refusal(
                "unlisted",
                code or "",
                _STATUS.get(code or "", 409),
                (message or "").replace("%", "%%"),
            )
        self.entry = entry
        self.params: dict[str, Any] = dict(params or {})
        self.code = entry.code
        self.message = entry.render(self.params, translate=False)
        self.http_status = http_status or entry.status
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


_ENTRIES: list[Refusal] = [
    # --- The rules of an act (signing.workflow.rules) ----------------------------------------
    Refusal(
        "not_generated",
        "not_generated",
        409,
        N_("Dokumen belum dibuat; belum ada yang dapat ditandatangani."),
    ),
    Refusal("void", "void", 409, N_("Dokumen telah dibatalkan; gunakan versi terbaru.")),
    Refusal(
        "void_because",
        "void",
        409,
        N_("Dokumen telah dibatalkan (%(reason)s); gunakan versi terbaru."),
    ),
    Refusal(
        "slot_not_found",
        "not_found",
        404,
        N_("Bagian tanda tangan tidak ditemukan pada dokumen ini."),
    ),
    Refusal("commitment_not_found", "not_found", 404, N_("Dokumen komitmen tidak ditemukan.")),
    Refusal(
        "staff_do_not_sign",
        "not_your_slot",
        403,
        N_(
            "Ini bukan bagian tanda tangan Anda: sekretariat dan administrator tidak "
            "menandatangani untuk siapa pun."
        ),
    ),
    Refusal("not_your_slot", "not_your_slot", 403, N_("Ini bukan bagian tanda tangan Anda.")),
    Refusal(
        "not_your_named_slot",
        "not_your_slot",
        403,
        N_("Ini bukan bagian tanda tangan Anda (%(slot)s)."),
    ),
    Refusal(
        "wrong_kind",
        "wrong_kind",
        422,
        N_("Tindakan '%(kind)s' tidak berlaku untuk slot %(slot)s."),
        ("kind",),
    ),
    Refusal(
        "no_paraf_field",
        "wrong_kind",
        422,
        N_("Bagian tanda tangan ini tidak memiliki kolom paraf."),
    ),
    Refusal("already_signed", "already_done", 409, N_("Sudah ditandatangani sebelumnya.")),
    Refusal("already_initialled", "already_done", 409, N_("Sudah diparaf sebelumnya.")),
    Refusal("already_declined", "already_done", 409, N_("Sudah ditolak sebelumnya.")),
    Refusal(
        "signed_no_paraf",
        "already_done",
        409,
        N_("Sudah ditandatangani sebelumnya; paraf tidak diperlukan."),
    ),
    Refusal(
        "signed_no_decline",
        "already_done",
        409,
        N_("Sudah ditandatangani sebelumnya; tidak dapat ditolak."),
    ),
    Refusal("already_acted", "already_done", 409, N_("Sudah ditandatangani/diparaf sebelumnya.")),
    Refusal(
        "complete",
        "complete",
        409,
        N_("Dokumen sudah lengkap ditandatangani dan disaksikan."),
    ),
    Refusal(
        "declined",
        "declined",
        409,
        N_(
            "Dokumen telah ditolak oleh %(slot)s; sekretariat perlu membatalkan dan "
            "menerbitkan versi baru."
        ),
    ),
    Refusal("not_your_turn", "not_your_turn", 409, N_("Belum giliran Anda: menunggu %(names)s.")),
    Refusal("reason_required", "reason_required", 422, N_("Penolakan memerlukan alasan.")),
    Refusal(
        "own_act",
        "one_role",
        409,
        N_(
            "Anda tidak dapat menyaksikan tindakan Anda sendiri (%(act)s): satu orang hanya "
            "berperan satu kali pada satu komitmen."
        ),
    ),
    Refusal(
        "one_role",
        "one_role",
        409,
        N_(
            "Anda sudah bertindak pada komitmen ini (%(act)s): satu orang hanya berperan satu"
            " kali pada satu komitmen, sehingga bagian %(slot)s harus diisi orang lain."
        ),
    ),
    Refusal(
        "no_such_mandate",
        "no_mandate",
        403,
        N_(
            "Tidak ada mandat %(mandate)s yang tercatat dan berlaku untuk Anda pada bagian "
            "tanda tangan ini."
        ),
    ),
    Refusal(
        "paraf_only",
        "no_mandate",
        403,
        N_("Tanpa mandat (Plt./Plh./a.n.) yang tercatat, Anda hanya dapat memaraf."),
    ),
    Refusal(
        "bad_attestation",
        "bad_attestation",
        422,
        N_("Tindakan yang disaksikan harus berupa tanda tangan atau paraf pada dokumen ini."),
    ),
    # --- Making the act (signing.workflow.operations) ----------------------------------------
    Refusal(
        "conflict",
        "conflict",
        409,
        N_("Dokumen baru saja diubah oleh orang lain; silakan muat ulang dan coba lagi."),
    ),
    Refusal("signing_failed", "signing_failed", 500, N_("%(detail)s"), ("detail",)),
    Refusal(
        "key_mismatch",
        "signing_failed",
        500,
        N_("Kunci tersimpan tidak cocok dengan sertifikatnya; hubungi administrator."),
    ),
    # --- The signing key (signing.pki) -------------------------------------------------------
    Refusal("wrong_passphrase", "wrong_passphrase", 422, N_("Frasa sandi penandatanganan salah.")),
    Refusal(
        "wrong_passphrase_remaining",
        "wrong_passphrase",
        422,
        N_("Frasa sandi penandatanganan salah. Sisa percobaan: %(remaining)s."),
    ),
    Refusal(
        "wrong_passphrase_locked",
        "wrong_passphrase",
        422,
        N_(
            "Frasa sandi penandatanganan salah. Terlalu banyak percobaan: penandatanganan "
            "Anda diblokir selama %(minutes)s menit."
        ),
    ),
    Refusal(
        "key_file_damaged",
        "wrong_passphrase",
        422,
        N_("Berkas kunci rusak atau bukan kunci terenkripsi."),
    ),
    Refusal(
        "key_type_unsupported",
        "wrong_passphrase",
        422,
        N_("Jenis kunci di dalam berkas tidak didukung."),
    ),
    Refusal(
        "locked",
        "locked",
        429,
        N_(
            "Terlalu banyak percobaan frasa sandi yang salah. Coba lagi dalam %(minutes)s "
            "menit (pukul %(time)s WIB)."
        ),
    ),
    Refusal("not_enrolled", "not_enrolled", 409, N_("Anda belum mendaftarkan kunci tanda tangan.")),
    Refusal(
        "certificate_not_yet_valid",
        "certificate_not_usable",
        409,
        N_("Sertifikat belum berlaku."),
    ),
    Refusal(
        "certificate_expired",
        "certificate_not_usable",
        409,
        N_("Sertifikat kedaluwarsa sejak %(date)s."),
    ),
    Refusal(
        "certificate_revoked_at",
        "certificate_not_usable",
        409,
        N_("Sertifikat telah dicabut pada %(when)s UTC."),
    ),
    Refusal(
        "certificate_revoked",
        "certificate_not_usable",
        409,
        N_(
            "Sertifikat tanda tangan Anda telah dicabut. Daftarkan kunci baru sebelum "
            "menandatangani."
        ),
    ),
    Refusal(
        "certificate_foreign",
        "certificate_not_usable",
        409,
        N_(
            "Sertifikat tanda tangan Anda tidak diterbitkan oleh CA aplikasi ini; hubungi "
            "administrator."
        ),
    ),
    Refusal(
        "passphrase_too_short",
        "passphrase_rejected",
        422,
        N_("Frasa sandi penandatanganan minimal %(length)s karakter."),
    ),
    Refusal(
        "passphrase_is_password",
        "passphrase_rejected",
        422,
        N_("Frasa sandi penandatanganan harus berbeda dari kata sandi masuk."),
    ),
    Refusal(
        "not_an_official",
        "passphrase_rejected",
        422,
        N_("Akun '%(username)s' tidak memegang jabatan; kunci tanda tangan hanya untuk pejabat."),
    ),
    Refusal(
        "certificate_unvalidated",
        "certificate_not_usable",
        409,
        N_(
            "Sertifikat penanda tangan tidak dapat divalidasi (dicabut, kedaluwarsa atau bukan "
            "dari CA aplikasi)."
        ),
    ),
    Refusal(
        "ca_missing",
        "ca_missing",
        503,
        N_(
            "CA aplikasi belum dibuat di %(certs_dir)s. "
            "Jalankan: signing ca init (atau signing demo)."
        ),
    ),
    # --- The specimen images (signing.specimens.images) --------------------------------------
    Refusal(
        "specimen_empty",
        "specimen_rejected",
        422,
        N_("Berkas kosong: pilih gambar PNG atau JPEG."),
    ),
    Refusal(
        "specimen_too_large",
        "specimen_rejected",
        422,
        N_("Berkas terlalu besar (%(size)s MB); batasnya 1 MB."),
    ),
    Refusal(
        "specimen_unreadable",
        "specimen_rejected",
        422,
        N_("Berkas bukan gambar PNG atau JPEG yang dapat dibaca."),
    ),
    Refusal(
        "specimen_format",
        "specimen_rejected",
        422,
        N_("Format %(format)s tidak diterima: gunakan PNG atau JPEG."),
    ),
    Refusal(
        "specimen_too_small_px",
        "specimen_rejected",
        422,
        N_("Gambar terlalu kecil (%(size)s piksel); paling kecil %(limit)s piksel."),
    ),
    Refusal(
        "specimen_too_large_px",
        "specimen_rejected",
        422,
        N_("Gambar terlalu besar (%(size)s piksel); paling besar %(limit)s piksel."),
    ),
    Refusal(
        "specimen_damaged",
        "specimen_rejected",
        422,
        N_("Gambar rusak atau terpotong; unggah ulang berkasnya."),
    ),
    Refusal(
        "specimen_blank",
        "specimen_rejected",
        422,
        N_("Gambar tidak memuat goresan yang terlihat (seluruhnya putih atau transparan)."),
    ),
    # --- The act form (signing.web.inbox.ActForm) -------------------------------------------
    Refusal(
        "no_choice",
        "no_choice",
        422,
        N_("Pilih tindakan: tanda tangan, paraf, saksi atau tolak."),
    ),
    Refusal(
        "passphrase_required",
        "passphrase_required",
        422,
        N_("Masukkan frasa sandi penandatanganan Anda."),
    ),
    Refusal(
        "not_confirmed",
        "not_confirmed",
        422,
        N_("Centang pernyataan bahwa Anda telah membaca dokumen dan menyetujui tindakan ini."),
    ),
    # --- The JSON API (signing.api.schemas) -------------------------------------------------
    Refusal("invalid_body", "invalid_body", 422, N_("Isi permintaan tidak valid: %(problems)s.")),
    # --- The secretariat's operations --------------------------------------------------------
    Refusal(
        "forbidden_remind",
        "forbidden",
        403,
        N_("Hanya sekretariat yang dapat mengirim pengingat."),
    ),
    Refusal(
        "forbidden_mandate",
        "forbidden",
        403,
        N_("Hanya sekretariat yang dapat mencatat mandat."),
    ),
    Refusal(
        "forbidden_revoke",
        "forbidden",
        403,
        N_("Hanya sekretariat yang dapat mencabut mandat."),
    ),
    Refusal(
        "forbidden_void",
        "forbidden",
        403,
        N_("Hanya sekretariat yang dapat membatalkan dokumen."),
    ),
    Refusal(
        "invalid_mandate",
        "invalid_mandate",
        422,
        N_("Mandat tidak dapat dicatat: %(problems)s."),
    ),
    Refusal("mandate_revoked", "already_done", 409, N_("Mandat sudah dicabut sebelumnya.")),
    Refusal("void_reason_required", "reason_required", 422, N_("Pembatalan memerlukan alasan.")),
    Refusal("already_void", "void", 409, N_("Dokumen sudah dibatalkan sebelumnya.")),
    Refusal(
        "complete_not_voidable",
        "complete",
        409,
        N_("Dokumen yang sudah lengkap ditandatangani tidak dapat dibatalkan."),
    ),
    Refusal(
        "remind_done",
        "not_your_turn",
        409,
        N_("Tidak ada yang perlu diingatkan: bagian tanda tangan ini sudah selesai (%(state)s)."),
        ("state",),
    ),
    Refusal(
        "remind_not_yet",
        "not_your_turn",
        409,
        N_("Tidak ada yang perlu diingatkan: belum giliran bagian tanda tangan ini (%(state)s)."),
        ("state",),
    ),
    # --- The signing desk (signing.web.desk) -------------------------------------------------
    Refusal(
        "desk_closed",
        "desk_refused",
        409,
        N_("Meja Tanda Tangan belum dibuka di perangkat ini."),
    ),
    Refusal("desk_event_missing", "desk_refused", 404, N_("Acara meja ini tidak ditemukan.")),
    Refusal(
        "desk_official_inactive",
        "desk_refused",
        403,
        N_("Akun pejabat ini tidak dapat bertindak."),
    ),
    Refusal("desk_document_missing", "desk_refused", 404, N_("Dokumen tidak ditemukan.")),
    Refusal(
        "desk_document_elsewhere",
        "desk_refused",
        403,
        N_("Dokumen ini bukan bagian dari acara meja ini."),
    ),
    Refusal(
        "grant_expired",
        "grant_expired",
        401,
        N_("Waktu Anda di meja ini habis demi keamanan. Silakan masuk kembali."),
    ),
    Refusal(
        "grant_invalid",
        "grant_invalid",
        401,
        N_("Otorisasi meja tidak sah. Silakan masuk kembali."),
    ),
    Refusal(
        "grant_stale",
        "grant_stale",
        401,
        N_(
            "Otorisasi ini sudah tidak berlaku: meja telah kembali ke halaman awal. Silakan "
            "masuk kembali."
        ),
    ),
    Refusal(
        "grant_used",
        "grant_used",
        409,
        N_("Otorisasi ini sudah dipakai untuk satu tindakan. Pejabat berikutnya silakan masuk."),
    ),
    Refusal(
        "login_stale",
        "login_stale",
        409,
        N_("Formulir masuk ini sudah kedaluwarsa. Silakan masuk kembali."),
    ),
]

#: Every refusal, by key.
CATALOGUE: dict[str, Refusal] = {entry.key: entry for entry in _ENTRIES}

#: Fixed messages by (code, text): the constructor's ``WorkflowRefused(code, message)`` form.
_BY_TEXT: dict[tuple[str, str], Refusal] = {
    (entry.code, entry.message): entry for entry in _ENTRIES if not entry.params
}

#: HTTP status of each API code (entries sharing a code share its status).
_STATUS: dict[str, int] = {entry.code: entry.status for entry in _ENTRIES}
