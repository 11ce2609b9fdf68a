"""Acts on a commitment PDF: seal, signature, paraf, witness, document time stamp.

Every function takes PDF bytes and returns the new PDF bytes (one more incremental
revision); nothing here touches the database. The recipe follows the measurements
in docs/design.md: the key is parsed once per act (see :mod:`signing.pades.signers`) and
the signature space is reserved up front so pyHanko signs exactly once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, PdfTimeStamper
from pyhanko.sign.signers.pdf_byterange import BuildProps
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    SigDSSPlacementPreference,
    TimestampDSSContentSettings,
)
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from signing.pki.errors import CertificateNotUsable

from .appearance import PADDING, PARAF_DATE_SHARE, Block, MarkLayout, MarkStyle, column
from .errors import FieldAlreadySigned, FieldMissing, PadesError
from .signers import ActSigner, to_asn1

__all__ = [
    "WIB",
    "ActKind",
    "Appearance",
    "add_document_timestamp",
    "apply_act",
    "blank_document",
    "default_reason",
    "initials",
    "make_validation_context",
    "official_line",
    "seal_document",
    "warm_up",
]


class _OfflineRevocationNotice(logging.Filter):
    """Drop pyHanko's warning that revocation data is embedded without fetching.

    Offline embedding of our own preloaded CRLs is the design (docs/design.md), so the
    warning would only fill the log with one line per act.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_OfflineRevocationNotice())

#: Western Indonesia Time. Jakarta has kept UTC+7 without daylight saving since 1964,
#: so a fixed offset is exact and needs no tz database.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

_MD = "sha256"
_SEAL_FIELD = "Segel"
#: Document time stamps get fields named ``CapWaktuDokumen-<random>``.
TIMESTAMP_FIELD_PREFIX = "CapWaktuDokumen"
# A time stamp token: TSTInfo, signed attributes, signature, framing (certs extra).
_TST_OVERHEAD = 1280
_SIZE_MARGIN = 512


class ActKind(enum.StrEnum):
    """Kind of act; the PDF cannot tell them apart, so the database records it."""

    SEAL = "seal"
    SIGN = "sign"
    PARAF = "paraf"
    WITNESS = "witness"


_REASONS = {
    ActKind.SEAL: "Dokumen diterbitkan dan disegel secara elektronik",
    ActKind.SIGN: "Menandatangani komitmen",
    ActKind.PARAF: "Paraf",
    ActKind.WITNESS: "Saksi atas penandatanganan komitmen",
}


def default_reason(kind: ActKind) -> str:
    """The /Reason written when the caller gives none (Indonesian)."""
    return _REASONS[ActKind(kind)]


_TITLE_TOKEN = re.compile(r"^(?:[A-Za-z]{1,4}\.)+$")


def initials(name: str, limit: int = 3) -> str:
    """Initials for a paraf mark: titles and degrees are skipped.

    ``"H.M. Taufik Mukri"`` -> ``"TM"``; ``"Dra. Rinie"`` -> ``"R"``;
    ``"Ir. Budi Santoso, M.Si."`` -> ``"BS"``.
    """
    core = name.split(",")[0]
    words = [w for w in core.split() if w]
    kept = [w for w in words if not _TITLE_TOKEN.match(w)] or words
    letters = "".join(w[0] for w in kept if w[0].isalnum())
    return (letters[:limit] or "?").upper()


def _wib(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(WIB)


_PREFIXES = ("Plt.", "Plh.", "a.n.")


def official_line(line: str) -> str:
    """An office as written above a name in official correspondence: capitals, a comma, the
    Plt./Plh./a.n. prefix kept as is. ``"a.n. Gubernur Kalimantan Tengah"`` ->
    ``"a.n. GUBERNUR KALIMANTAN TENGAH,"``."""
    line = line.strip().rstrip(",")
    for prefix in _PREFIXES:
        if line.lower().startswith(prefix.lower() + " "):
            return f"{prefix} {line[len(prefix) :].strip().upper()},"
    return f"{line.upper()},"


@dataclass(frozen=True)
class Appearance:
    """What the visible mark of an act says (see :mod:`signing.pades.appearance`)."""

    #: Name of the person who acted, with titles.
    name: str
    #: The office they act in, e.g. "Bupati Kotawaringin Timur" or, under a mandate, their own
    #: office ("Wakil Bupati Kotawaringin Timur").
    office: str
    #: The Plt./Plh./a.n. line with the principal office when the person acts for someone
    #: ("Plt. Bupati Kotawaringin Timur"), else None.
    capacity_line: str | None = None
    #: Time shown on the stamp (any time zone; rendered in WIB). Defaults to now.
    signed_at: dt.datetime | None = None
    #: The document's short verification code, printed on signatures and witness marks.
    document_code: str | None = None
    #: Paraf by someone who is not the holder, without a Plt./Plh./a.n. capacity: whom they
    #: stand in for, e.g. "Bupati (tanpa mandat)".
    on_behalf: str | None = None
    #: Witness marks: the act witnessed, e.g. "tanda tangan Bupati Kotawaringin Timur".
    witnessed: str | None = None
    #: The official's specimen (PNG with a transparent background) for this kind of mark.
    specimen: bytes | None = dataclasses.field(default=None, repr=False)

    def _moment(self) -> dt.datetime:
        return _wib(self.signed_at or dt.datetime.now(dt.UTC))

    def _office_lines(self) -> list[str]:
        lines = [official_line(self.capacity_line)] if self.capacity_line else []
        return [*lines, official_line(self.office)]

    def _stamp_time(self) -> str:
        return f"{self._moment():%d-%m-%Y %H:%M} WIB"

    def _code_line(self) -> list[Block]:
        if not self.document_code:
            return []
        return [Block(f"Kode verifikasi {self.document_code}", 8, keep=0)]

    def paraf_sentence(self) -> str | None:
        """The words of a paraf by a non-holder: "diparaf oleh <name>, <office>, mewakili ..."."""
        if self.on_behalf:
            return f"diparaf oleh {self.name}, {self.office}, mewakili {self.on_behalf}"
        if self.capacity_line:
            return f"diparaf oleh {self.name}, {self.office}, {self.capacity_line}"
        return None

    def blocks(self, kind: ActKind) -> tuple[list[Block], list[Block]]:
        """The text of the mark: the main column and (paraf only) the date column."""
        kind = ActKind(kind)
        if kind is ActKind.PARAF:
            sentence = self.paraf_sentence()
            main = [Block(initials(self.name), 20, bold=True, min_size=12, keep=4)]
            if sentence:
                main.append(Block(sentence, 8, keep=3))
            else:
                main += [Block(self.name, 9, bold=True, keep=3), Block(self.office, 8)]
            when = self._moment()
            return main, [
                Block(f"{when:%d-%m-%Y}", 9, bold=True),
                Block(f"{when:%H:%M} WIB", 8),
            ]
        # The official form ends the mark: office lines, then the name on the line under the
        # box where the draft printed the expected signer (the column is bottom-aligned).
        head = self._code_line() + [Block(self._stamp_time(), 8, keep=2)]
        if kind is ActKind.WITNESS:
            head.append(Block("Saksi", 10, bold=True))
            if self.witnessed:
                head.append(Block(f"atas {self.witnessed}", 8))
        elif kind is ActKind.SEAL:
            head.append(Block("Disegel secara elektronik oleh", 8))
        else:
            head.append(Block("Ditandatangani secara elektronik oleh", 8))
        body = [Block(line, 9, bold=True, keep=3) for line in self._office_lines()]
        return head + body + [Block(self.name, 11, bold=True, keep=4)], []

    def lines(self, kind: ActKind) -> list[str]:
        """The text of the mark, one string per paragraph (before wrapping)."""
        main, side = self.blocks(kind)
        return [b.text for b in main + side]

    def text(self, kind: ActKind) -> str:
        return "\n".join(self.lines(kind))

    def plan(self, kind: ActKind, width: float, height: float, has_image: bool) -> MarkLayout:
        """Where each part of the mark goes in a box of ``width`` x ``height`` points."""
        main, side = self.blocks(kind)
        pad = PADDING
        x1, y1, x2, y2 = pad, pad, width - pad, height - pad
        dividers: tuple[float, ...] = ()
        columns = []
        if side:
            split = width * (1 - PARAF_DATE_SHARE)
            columns.append(column(split + pad, y1, x2 - split - pad, y2 - y1, side))
            dividers = (split,)
            x2 = split - pad
        image_area = None
        if has_image:
            image_width = (x2 - x1) * (0.3 if side else 0.36)
            image_area = (x1, y1, image_width, y2 - y1)
            x1 += image_width + pad
        columns.append(column(x1, y1, x2 - x1, y2 - y1, main, bottom=not side))
        return MarkLayout(tuple(columns), image_area, dividers)

    def style(self, kind: ActKind) -> MarkStyle:
        return MarkStyle(
            planner=functools.partial(self.plan, ActKind(kind)), specimen=self.specimen
        )


# ------------------------------------------------------------------- validation


def _asn1_cert(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return to_asn1(cert)
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
        if data.lstrip().startswith(b"-----BEGIN"):
            data = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"not a certificate: {type(cert).__name__}")


def _asn1_ocsp(value) -> asn1_ocsp.OCSPResponse:
    if isinstance(value, asn1_ocsp.OCSPResponse):
        return value
    return asn1_ocsp.OCSPResponse.load(bytes(value))


def _asn1_crl(value) -> asn1_crl.CertificateList:
    if isinstance(value, asn1_crl.CertificateList):
        return value
    if isinstance(value, x509.CertificateRevocationList):
        value = value.public_bytes(serialization.Encoding.DER)
    data = bytes(value)
    if data.lstrip().startswith(b"-----BEGIN"):
        data = x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
    return _parsed_crl(data)


@functools.lru_cache(maxsize=64)
def _parsed_crl(der: bytes) -> asn1_crl.CertificateList:
    # The app's two current CRLs go into the validation context of every act: parsed once
    # per CRL (they change only when a certificate is revoked, or daily).
    return asn1_crl.CertificateList.load(der)


def make_validation_context(
    trust_roots: Iterable,
    crls: Iterable = (),
    *,
    other_certs: Iterable = (),
    moment: dt.datetime | None = None,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    """An offline pyHanko validation context.

    Certificates may be pyca/cryptography objects, asn1crypto objects or PEM/DER
    bytes; CRLs likewise. Nothing is fetched from the network: the app's own CRLs
    are passed in (and embedded into the PDF for B-LT). Build a fresh one per act,
    since pyHanko accumulates validation data in it.
    """
    return ValidationContext(
        trust_roots=[_asn1_cert(c) for c in trust_roots],
        other_certs=[_asn1_cert(c) for c in other_certs],
        crls=[_asn1_crl(c) for c in crls],
        allow_fetching=False,
        revocation_mode=revocation_mode,
        moment=moment,
    )


# ---------------------------------------------------------------------- signing


def _reserve(signer: ActSigner, timestamper: TimeStamper | None) -> int | None:
    """Hex digits to reserve for the CMS: twice its DER size, plus a small margin.

    Every validator reads the whole /Contents hex string, byte by byte in pyHanko,
    so the reservation is kept tight. ``None`` (an external TSA of unknown token
    size) lets pyHanko measure with a dry run instead.
    """
    size = signer.cms_size_hint() + _SIZE_MARGIN
    if timestamper is not None:
        tst = _tst_size(timestamper)
        if tst is None:
            return None
        size += tst
    return 2 * size


def _tst_size(timestamper: TimeStamper) -> int | None:
    certs = getattr(timestamper, "embedded_certs_size", None)
    if certs is None:
        return None
    return certs + _TST_OVERHEAD


def _timestamp_reserve(timestamper: TimeStamper) -> int | None:
    tst = _tst_size(timestamper)
    return None if tst is None else 2 * (tst + _SIZE_MARGIN)


def _writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf:
        raise PadesError("Dokumen PDF kosong.")
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf))
    except Exception as exc:  # pyHanko raises many kinds on malformed input
        raise PadesError(f"Dokumen PDF tidak dapat dibaca: {exc}") from exc


def _check_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    value = _top_level_signature_value(writer, field_name)
    if value is _NOT_TOP_LEVEL:
        # A nested field (not made by this application): walk the whole form.
        found = list(sig_fields.enumerate_sig_fields(writer, with_name=field_name))
        if not found:
            raise FieldMissing(f"Kolom tanda tangan '{field_name}' tidak ada di dokumen.")
        value = found[0][1]
    if value is not None:
        raise FieldAlreadySigned(f"Kolom '{field_name}' sudah ditandatangani.")


_NOT_TOP_LEVEL = object()


def _top_level_signature_value(writer: IncrementalPdfFileWriter, field_name: str) -> object:
    """The /V of the top-level signature field ``field_name``, or ``_NOT_TOP_LEVEL``.

    Our documents keep every signature field at the top of /AcroForm /Fields; looking there
    first takes 0.2 ms where pyHanko's full walk of the form takes 1.2 ms.
    """
    try:
        form = writer.root["/AcroForm"]
        fields = form["/Fields"]
    except KeyError:
        return _NOT_TOP_LEVEL
    for reference in fields:
        field = reference.get_object()
        if field.get("/T") == field_name and field.get("/FT") == "/Sig":
            return field.get("/V")
    return _NOT_TOP_LEVEL


def _dss_settings() -> DSSContentSettings:
    # Revocation data goes into the signature's own revision (no VRI, which is
    # deprecated anyway): one revision per act instead of two, and a validator
    # that ignores incremental updates still finds it.
    return DSSContentSettings(
        placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
    )


def _sign(
    pdf: bytes,
    *,
    meta: PdfSignatureMetadata,
    signer: ActSigner,
    timestamper: TimeStamper | None,
    style: BaseStampStyle | None,
    existing_fields_only: bool,
    revocation_data: tuple[list[asn1_x509.Certificate], list[asn1_crl.CertificateList]]
    | None = None,
) -> bytes:
    writer = _writer(pdf)
    if existing_fields_only:
        _check_field(writer, meta.field_name)
    if revocation_data is not None:
        # Same place as pyHanko's TOGETHER_WITH_SIGNATURE: the DSS of this revision, no VRI.
        certs, crls = revocation_data
        DocumentSecurityStore.supply_dss_in_writer(writer, None, certs=certs, crls=crls)
    pdf_signer = PdfSigner(meta, signer.pyhanko_signer, timestamper=timestamper, stamp_style=style)
    try:
        out = pdf_signer.sign_pdf(
            writer,
            existing_fields_only=existing_fields_only,
            bytes_reserved=_reserve(signer, timestamper),
        )
    except SigningError as exc:
        if isinstance(exc.__cause__, PathBuildingError | PathValidationError):
            raise CertificateNotUsable(refusal="certificate_unvalidated") from exc
        raise PadesError(f"Penandatanganan gagal: {exc}") from exc
    except TimestampRequestError as exc:
        raise PadesError(f"Layanan cap waktu (TSA) tidak dapat dihubungi: {exc}") from exc
    except PdfError as exc:
        raise PadesError(f"Penandatanganan gagal: {exc}") from exc
    return out.getvalue()


@dataclass(frozen=True)
class _AuditHeadProps(BuildProps):
    """Build properties of our signatures, carrying the audit chain head they pin."""

    audit_head: tuple[int, str] | None = None

    def as_pdf_object(self) -> generic.DictionaryObject:
        props = super().as_pdf_object()
        if self.audit_head is not None:
            seq, head_hash = self.audit_head
            props[AUDIT_HEAD_KEY] = generic.TextStringObject(f"{seq}:{head_hash}")
        return props


AUDIT_HEAD_KEY = "/SigningAuditHead"


def audit_heads(pdf: bytes) -> list[tuple[str, int, str]]:
    """(field name, entry id, entry hash) of every signature in ``pdf`` that pins the audit
    chain. Only the signed revision's own dictionary is read, so a pin counts only as far as
    the signature covering it is valid (check the PDF with the verification first).

    :raises PadesError: unreadable PDF.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        found = []
        for embedded in reader.embedded_regular_signatures:
            build = embedded.sig_object.get("/Prop_Build")
            app = build.get("/App") if build is not None else None
            value = app.get(AUDIT_HEAD_KEY) if app is not None else None
            if value is None:
                continue
            seq, _sep, head_hash = str(value).partition(":")
            found.append((embedded.field_name, int(seq), head_hash))
    except (PdfError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise PadesError(f"PDF tidak terbaca: {exc}") from exc
    return found


def apply_act(
    pdf: bytes,
    *,
    field_name: str,
    kind: ActKind,
    signer: ActSigner,
    appearance: Appearance | None,
    timestamper: TimeStamper | None,
    validation_context: ValidationContext | None,
    reason: str | None = None,
    location: str | None = None,
    embed_revocation: bool = True,
    signer_checked: bool = False,
    audit_head: tuple[int, str] | None = None,
) -> bytes:
    """Sign the existing, empty field ``field_name`` (PAdES, B-T or B-LT).

    ``audit_head``: (entry id, entry hash) of the audit chain's newest entry, written into the
    signature dictionary (``/Prop_Build /App /SigningAuditHead``), where the signature covers
    it: every copy of the document then pins the audit log up to that entry (see
    :func:`audit_heads`).

    The signature carries an RFC 3161 time stamp from ``timestamper`` and, with
    ``embed_revocation``, the CRLs of ``validation_context`` in the DSS of the same
    revision (B-LT). ``appearance`` None gives an empty appearance (for invisible
    fields).

    ``signer_checked``: the caller has checked the signer's certificate against the CRLs of
    ``validation_context`` and its chain against the CA (:mod:`signing.pki` does before every
    act). pyHanko's pre-signing validation would repeat exactly that (path building, both CRLs'
    signatures, ~5 ms of an act's ~27 ms) only to learn which certificates and CRLs to embed;
    here they are known, so the DSS of the same revision gets the signer's chain, the time
    stamping authority's certificates and the CRLs directly. It applies when the time stamper
    names its certificates (the internal TSA); with an external TSA pyHanko's validation
    still collects the TSA's data.

    :raises FieldMissing: no signature field of that name.
    :raises FieldAlreadySigned: the field holds a signature already.
    :raises CertificateNotUsable: pyHanko could not validate the signer's
        certificate against ``validation_context`` (revoked, expired, foreign CA).
    :raises PadesError: unreadable PDF or any other signing failure.
    """
    kind = ActKind(kind)
    if embed_revocation and validation_context is None:
        raise PadesError("Data pencabutan hanya dapat disematkan dengan konteks validasi.")
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_MD,
        reason=reason or default_reason(kind),
        location=location,
        name=appearance.name if appearance else None,
        subfilter=sig_fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_revocation,
        validation_context=validation_context,
        signer_key_usage={"non_repudiation", "digital_signature"},
        dss_settings=_dss_settings(),
        certify=kind is ActKind.SEAL,
        docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS,
        app_build_props=_AuditHeadProps("signing", audit_head=audit_head) if audit_head else None,
    )
    revocation_data = None
    if signer_checked and embed_revocation and validation_context is not None:
        tsa_certs = _timestamper_certs(timestamper)
        if tsa_certs is not None:
            revocation_data = (
                [to_asn1(signer.certificate), *(to_asn1(c) for c in signer.chain), *tsa_certs],
                list(validation_context.crls),
            )
            meta = dataclasses.replace(meta, embed_validation_info=False, validation_context=None)
    return _sign(
        pdf,
        meta=meta,
        signer=signer,
        timestamper=timestamper,
        style=appearance.style(kind) if appearance else None,
        existing_fields_only=True,
        revocation_data=revocation_data,
    )


def _timestamper_certs(timestamper: TimeStamper | None) -> list[asn1_x509.Certificate] | None:
    """The certificates a time stamper puts in its tokens, when it says (``None``: unknown)."""
    if timestamper is None:
        return []
    tsa_cert = getattr(timestamper, "tsa_cert", None)
    if tsa_cert is None:
        return None
    return [tsa_cert, *getattr(timestamper, "certs_to_embed", ())]


def seal_document(
    pdf: bytes,
    signer: ActSigner,
    timestamper: TimeStamper | None,
    *,
    validation_context: ValidationContext | None,
    field_name: str | None = None,
    appearance: Appearance | None = None,
    reason: str | None = None,
    location: str | None = None,
    embed_revocation: bool = True,
) -> bytes:
    """Certify the freshly generated document with the office seal (DocMDP FILL_FORMS).

    Call it after every signature field exists: later approval signatures, parafs,
    witness marks and document time stamps keep the certification valid, any other
    change breaks it. Without ``field_name`` an invisible field "Segel" is created
    in the same revision; with it, that (pre-made, empty) field is used.
    """
    if embed_revocation and validation_context is None:
        raise PadesError("Data pencabutan hanya dapat disematkan dengan konteks validasi.")
    writer_fields_only = field_name is not None
    meta = PdfSignatureMetadata(
        field_name=field_name or _SEAL_FIELD,
        md_algorithm=_MD,
        reason=reason or default_reason(ActKind.SEAL),
        location=location,
        subfilter=sig_fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_revocation,
        validation_context=validation_context,
        signer_key_usage={"non_repudiation", "digital_signature"},
        dss_settings=_dss_settings(),
        certify=True,
        docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS,
    )
    if not writer_fields_only:
        existing = list(sig_fields.enumerate_sig_fields(_writer(pdf), with_name=_SEAL_FIELD))
        if existing:
            raise FieldAlreadySigned("Dokumen sudah disegel.")
    return _sign(
        pdf,
        meta=meta,
        signer=signer,
        timestamper=timestamper,
        style=appearance.style(ActKind.SEAL) if appearance else None,
        existing_fields_only=writer_fields_only,
    )


def add_document_timestamp(
    pdf: bytes,
    timestamper: TimeStamper,
    validation_context: ValidationContext | None,
    *,
    field_name: str | None = None,
    revocation_data: tuple[Iterable, Iterable] | None = None,
    ocsps: Iterable = (),
) -> bytes:
    """Append a document time stamp (PAdES B-LTA) with its revocation data before it.

    ``revocation_data`` (certificates, CRLs; pyca or asn1crypto objects) goes into the DSS of
    the same revision, before the time stamp, so the stamp protects it: the CRLs of every
    signer and of the TSA, built *after* the signatures it follows. That is what a validator
    needs to check the earlier signatures at a later date, when those CRLs have expired: they
    existed at the stamp's time (proof of existence) and say the keys were not revoked after
    the signatures were made. With an internal TSA (its certificates known) pyHanko does not
    validate the TSA again; otherwise ``validation_context`` lets pyHanko collect the TSA's
    own revocation data as well.
    """
    writer = _writer(pdf)
    context = validation_context
    if revocation_data is not None:
        certs, crls = revocation_data
        tsa_certs = _timestamper_certs(timestamper)
        DocumentSecurityStore.supply_dss_in_writer(
            writer,
            None,
            certs=[*(_asn1_cert(c) for c in certs), *(tsa_certs or ())],
            crls=[_asn1_crl(c) for c in crls],
            ocsps=[_asn1_ocsp(r) for r in ocsps] or None,
        )
        if tsa_certs is not None:
            context = None
    # A document carries one stamp per act: each in its own field, named for a reader.
    name = field_name or f"{TIMESTAMP_FIELD_PREFIX}-{uuid.uuid4().hex[:12]}"
    stamper = PdfTimeStamper(timestamper, field_name=name)
    try:
        out = stamper.timestamp_pdf(
            writer,
            _MD,
            validation_context=context,
            bytes_reserved=_timestamp_reserve(timestamper),
            dss_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True),
        )
    except (SigningError, TimestampRequestError, PdfError) as exc:
        raise PadesError(f"Cap waktu dokumen gagal: {exc}") from exc
    return out.getvalue()


# ---------------------------------------------------------------------- warm-up


_WARM_UP_FIELD = "Pemanasan"


def blank_document(field_name: str, text: str | None = None) -> bytes:
    """A one-page A4 PDF with one empty signature field (and a line of ``text``), for the
    warm-ups that sign or verify a throwaway document before a process serves."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = PdfFileWriter()
    contents: object = []
    resources = None
    if text is not None:
        line = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        contents = writer.add_object(
            generic.StreamObject(
                stream_data=f"BT /F1 12 Tf 72 760 Td ({line}) Tj ET".encode("latin-1")
            )
        )
        font = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
        resources = generic.DictionaryObject(
            {
                generic.pdf_name("/Font"): generic.DictionaryObject(
                    {generic.pdf_name("/F1"): writer.add_object(font)}
                )
            }
        )
    writer.insert_page(
        PageObject(contents=contents, media_box=(0, 0, 595, 842), resources=resources)
    )
    append_signature_field(writer, SigFieldSpec(field_name, on_page=0, box=(40, 300, 240, 380)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def warm_up(
    signer: ActSigner,
    timestamper: TimeStamper | None,
    validation_context: ValidationContext | None,
) -> None:
    """Make one act on a throwaway one-page PDF, in memory, and drop the result.

    A new server process pays ~0.1 s of one-off costs on its first act (pyHanko's modules and
    code paths, the time stamper's sizing token, asn1crypto's first parses); a worker calls this
    before it accepts requests so that no official waits for them. Nothing is stored.
    """
    signed = apply_act(
        blank_document(_WARM_UP_FIELD),
        field_name=_WARM_UP_FIELD,
        kind=ActKind.SIGN,
        signer=signer,
        appearance=Appearance("Pemanasan", "Pemanasan", None, dt.datetime.now(dt.UTC)),
        timestamper=timestamper,
        validation_context=validation_context,
        embed_revocation=validation_context is not None,
        signer_checked=True,
    )
    if timestamper is not None:
        # Every act ends with a document time stamp: its code paths warm up too.
        add_document_timestamp(signed, timestamper, None, revocation_data=([], []))
