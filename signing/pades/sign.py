"""Acts on a commitment PDF: seal, signature, paraf, witness, document time stamp.

Every function takes PDF bytes and returns the new PDF bytes (one more incremental
revision); nothing here touches the database. The recipe follows the measurements
in docs/design.md: the key is parsed once per act (see :mod:`signing.pades.signers`) and
the signature space is reserved up front so pyHanko signs exactly once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_byterange import BuildProps
from pyhanko.sign.signers.pdf_signer import (
    DSSContentSettings,
    SigDSSPlacementPreference,
)
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

from signing.pki.errors import CertificateNotUsable

from .errors import FieldAlreadySigned, FieldMissing, PadesError
from .marks import WIB, ActKind, Appearance, default_reason, initials, official_line
from .signers import ActSigner, to_asn1
from .timestamps import (
    DIGEST,
    SIZE_MARGIN,
    TIMESTAMP_FIELD_PREFIX,
    add_document_timestamp,
    incremental_writer,
    timestamper_certs,
    token_size,
)
from .validation import make_validation_context

__all__ = [
    "AUDIT_HEAD_KEY",
    "TIMESTAMP_FIELD_PREFIX",
    "WIB",
    "ActKind",
    "Appearance",
    "add_document_timestamp",
    "apply_act",
    "audit_heads",
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

_SEAL_FIELD = "Segel"


# ---------------------------------------------------------------------- signing


def _reserve(signer: ActSigner, timestamper: TimeStamper | None) -> int | None:
    """Hex digits to reserve for the CMS: twice its DER size, plus a small margin.

    Every validator reads the whole /Contents hex string, byte by byte in pyHanko,
    so the reservation is kept tight. ``None`` (an external TSA of unknown token
    size) lets pyHanko measure with a dry run instead.
    """
    size = signer.cms_size_hint() + SIZE_MARGIN
    if timestamper is not None:
        tst = token_size(timestamper)
        if tst is None:
            return None
        size += tst
    return 2 * size


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


_NO_CONTEXT = "Data pencabutan hanya dapat disematkan dengan konteks validasi."


def _metadata(
    field_name: str,
    kind: ActKind,
    reason: str | None,
    location: str | None,
    validation_context: ValidationContext | None,
    embed_revocation: bool,
    *,
    name: str | None = None,
    app_build_props: BuildProps | None = None,
) -> PdfSignatureMetadata:
    """The signature dictionary of every act: PAdES, SHA-256, the signer's key usage checked,
    pyHanko validates the signer against ``validation_context`` (when given) and, with
    ``embed_revocation``, stores the revocation data in the act's own revision; a seal
    certifies the document (later form filling, i.e. the other acts, allowed)."""
    return PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=DIGEST,
        reason=reason or default_reason(kind),
        location=location,
        name=name,
        subfilter=sig_fields.SigSeedSubFilter.PADES,
        embed_validation_info=embed_revocation,
        validation_context=validation_context,
        signer_key_usage={"non_repudiation", "digital_signature"},
        dss_settings=_dss_settings(),
        certify=kind is ActKind.SEAL,
        docmdp_permissions=sig_fields.MDPPerm.FILL_FORMS,
        app_build_props=app_build_props,
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
    writer = incremental_writer(pdf)
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
        raise PadesError(_NO_CONTEXT)
    meta = _metadata(
        field_name,
        kind,
        reason,
        location,
        validation_context,
        embed_revocation,
        name=appearance.name if appearance else None,
        app_build_props=_AuditHeadProps("signing", audit_head=audit_head) if audit_head else None,
    )
    revocation_data = None
    if signer_checked and embed_revocation and validation_context is not None:
        tsa_certs = timestamper_certs(timestamper)
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
        raise PadesError(_NO_CONTEXT)
    writer_fields_only = field_name is not None
    meta = _metadata(
        field_name or _SEAL_FIELD,
        ActKind.SEAL,
        reason,
        location,
        validation_context,
        embed_revocation,
    )
    if not writer_fields_only:
        existing = list(
            sig_fields.enumerate_sig_fields(incremental_writer(pdf), with_name=_SEAL_FIELD)
        )
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


# ---------------------------------------------------------------------- warm-up


_WARM_UP_FIELD = "Pemanasan"


def blank_document(field_name: str, text: str | None = None) -> bytes:
    """A one-page A4 PDF with one empty signature field (and a line of ``text``), for the
    warm-ups that sign or verify a throwaway document before a process serves."""
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
