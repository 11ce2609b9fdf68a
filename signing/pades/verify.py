"""Verification of signed PDFs with pyHanko, offline, against the app's trust roots.

The verdict is pyHanko's ``bottom_line``, never ``intact``/``valid`` alone: an
unsigned incremental update that adds visible text leaves every signature intact
and valid but raises the modification level to OTHER. Any exception raised while
reading or validating (malformed files raise ``AttributeError``,
``AssertionError``, ``ValueError``, ``PdfReadError``, ``PdfDecodeLimitError``,
``DisallowedAlgorithmError``, ...) is reported as "cannot be verified", never raised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentSecurityStore,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko.sign.validation.status import SignatureStatus

from .validation import make_validation_context, to_asn1_crl

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SignatureReport",
    "VerificationReport",
    "signed_field_names",
    "verify_pdf",
]

log = logging.getLogger(__name__)

#: Uploads larger than this are refused before parsing (a commitment is ~0.3 MB).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: More signatures than any commitment carries; bounds validation time per upload.
DEFAULT_MAX_SIGNATURES = 60
_MIB = 1024 * 1024
_DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_output_size=64 * _MIB),
    document_budget=DocumentDecodeBudget(base_allowance=128 * _MIB),
)
_PREFIX = "Tidak dapat diperiksa: "


@dataclass(frozen=True)
class SignatureReport:
    """One signature or document time stamp, as pyHanko judged it."""

    field_name: str
    #: Common name of the signer's certificate (for a time stamp: the TSA).
    signer_name: str | None
    #: Full subject, human readable.
    signer_subject: str | None
    #: Office (X.520 title) and institution (O) from the certificate.
    signer_office: str | None
    signer_institution: str | None
    serial: int | None
    #: Time the signer claims (not trustworthy alone; see timestamp_time).
    signing_time: dt.datetime | None
    #: Time from the RFC 3161 token (for a document time stamp: its own time).
    timestamp_time: dt.datetime | None
    reason: str | None
    location: str | None
    intact: bool
    trusted: bool
    revoked: bool
    #: ``ENTIRE_FILE``, ``ENTIRE_REVISION``, ``CONTIGUOUS_BLOCK_FROM_START`` or ``UNCLEAR``.
    coverage: str | None
    #: ``NONE``, ``LTA_UPDATES``, ``FORM_FILLING``, ``ANNOTATIONS`` or ``OTHER``.
    modification_level: str | None
    docmdp_ok: bool | None
    #: True for the certification (seal) signature.
    is_certification: bool
    is_document_timestamp: bool
    bottom_line: bool
    #: Indonesian explanation when ``bottom_line`` is False.
    problem: str | None
    #: Revision (0-based) this signature covers.
    signed_revision: int | None


@dataclass(frozen=True)
class VerificationReport:
    """Result of :func:`verify_pdf`. ``valid`` is the one verdict to show."""

    valid: bool
    #: "Tidak dapat diperiksa: ..." when the file could not be verified at all.
    error: str | None
    signatures: tuple[SignatureReport, ...]
    #: A trusted document time stamp after the last signature (PAdES B-LTA).
    has_lta: bool
    revision_count: int | None
    sha256: str
    #: Indonesian reasons why ``valid`` is False (empty when valid).
    problems: tuple[str, ...] = ()

    @property
    def regular_signatures(self) -> tuple[SignatureReport, ...]:
        return tuple(s for s in self.signatures if not s.is_document_timestamp)


def _failure(sha256: str, message: str, revision_count: int | None = None) -> VerificationReport:
    return VerificationReport(
        valid=False,
        error=_PREFIX + message,
        signatures=(),
        has_lta=False,
        revision_count=revision_count,
        sha256=sha256,
        problems=(_PREFIX + message,),
    )


def _name_attr(cert: asn1_x509.Certificate | None, key: str) -> str | None:
    if cert is None:
        return None
    value = cert.subject.native.get(key)
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return value


def _enum_name(value) -> str | None:
    return None if value is None else value.name


def _problem(status: SignatureStatus, bottom_line: bool) -> str | None:
    if bottom_line:
        return None
    if not status.intact:
        return "Isi dokumen tidak cocok dengan tanda tangan (dokumen diubah)."
    if not status.valid:
        return "Tanda tangan kriptografis tidak sah."
    if status.revoked:
        return "Sertifikat penanda tangan telah dicabut."
    if not status.trusted:
        return (
            "Sertifikat penanda tangan tidak terpercaya (bukan dari CA aplikasi atau kedaluwarsa)."
        )
    level = getattr(status, "modification_level", None)
    if level is not None and level >= ModificationLevel.ANNOTATIONS:
        return "Dokumen diubah setelah ditandatangani dengan perubahan yang tidak diizinkan."
    if getattr(status, "docmdp_ok", None) is False:
        return "Perubahan dokumen melanggar izin sertifikasi (DocMDP)."
    ts = getattr(status, "timestamp_validity", None)
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        return "Cap waktu tanda tangan tidak sah atau tidak terpercaya."
    return "Tanda tangan tidak memenuhi syarat validasi."


def _timestamp_ok(status) -> bool:
    level = status.modification_level
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and status.docmdp_ok is not False
        and (level is None or level <= ModificationLevel.FORM_FILLING)
    )


def _report(emb, status, *, is_ts: bool) -> SignatureReport:
    cert = status.signing_cert
    sig_obj = emb.sig_object
    if is_ts:
        bottom_line = _timestamp_ok(status)
        ts_time = status.timestamp
        signing_time = status.timestamp
    else:
        bottom_line = bool(status.bottom_line)
        ts_time = status.timestamp_validity.timestamp if status.timestamp_validity else None
        signing_time = status.signer_reported_dt
    return SignatureReport(
        field_name=emb.field_name,
        # The full name when the CN had to be shortened (signing.pki.ca.common_name_for).
        signer_name=_name_attr(cert, "name") or _name_attr(cert, "common_name"),
        signer_subject=cert.subject.human_friendly if cert is not None else None,
        signer_office=_name_attr(cert, "title"),
        signer_institution=_name_attr(cert, "organization_name"),
        serial=cert.serial_number if cert is not None else None,
        signing_time=signing_time,
        timestamp_time=ts_time,
        reason=sig_obj.get("/Reason"),
        location=sig_obj.get("/Location"),
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        coverage=_enum_name(status.coverage),
        modification_level=_enum_name(status.modification_level),
        docmdp_ok=status.docmdp_ok,
        is_certification=(not is_ts) and emb.docmdp_level is not None,
        is_document_timestamp=is_ts,
        bottom_line=bottom_line,
        problem=_problem(status, bottom_line),
        signed_revision=emb.signed_revision,
    )


def _dss_material(reader: PdfFileReader) -> tuple[list, list]:
    """CRLs and certificates embedded for long-term validation (B-LT)."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return [], []
    crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
    return crls, list(dss.load_certs())


#: Revocation reasons that say nothing against the key: the holder left office, or re-enrolled.
#: A signature time-stamped before such a revocation stays valid (RFC 5280 section 5.3.1).
#: Key compromise, or no reason at all, invalidates every signature of the key.
BENIGN_REVOCATION_REASONS = {"superseded", "affiliation_changed", "cessation_of_operation"}


def _moment_before_benign_revocation(status, crls) -> dt.datetime | None:
    """The trusted time stamp's time, if the signer was revoked later for a benign reason.

    Validating at that moment asks the right question: was the certificate good when the
    time stamp proves the signature existed? Otherwise ``None`` (keep the verdict as it is).
    """
    if not status.revoked or status.signing_cert is None:
        return None
    ts = status.timestamp_validity
    if ts is None or not (ts.intact and ts.valid and ts.trusted) or ts.timestamp is None:
        return None
    serial = status.signing_cert.serial_number
    issuer = status.signing_cert.issuer
    for crl in crls:
        if crl.issuer != issuer:
            continue
        for entry in crl["tbs_cert_list"]["revoked_certificates"] or []:
            if entry["user_certificate"].native != serial:
                continue
            reason = entry.crl_reason_value.native if entry.crl_reason_value else None
            revoked_at = entry["revocation_date"].native
            # CRLs keep whole seconds: a revocation in the same second as the time stamp is
            # listed at or before it. Only a strictly earlier second proves "revoked before".
            if reason not in BENIGN_REVOCATION_REASONS or revoked_at < ts.timestamp.replace(
                microsecond=0
            ):
                return None
            # Validate just before the listed revocation time (within the CRL's one-second
            # resolution of the time stamp) so the entry does not count yet.
            return min(ts.timestamp, revoked_at - dt.timedelta(microseconds=1))
    return ts.timestamp


def verify_pdf(
    pdf: bytes,
    *,
    trust_roots: Iterable,
    crls: Iterable = (),
    other_certs: Iterable = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_signatures: int = DEFAULT_MAX_SIGNATURES,
    moment: dt.datetime | None = None,
) -> VerificationReport:
    """Verify every signature and document time stamp in ``pdf``. Never raises.

    :param trust_roots: the app's root certificate(s) (pyca, asn1crypto or PEM/DER).
    :param crls: current CRLs (DER/PEM/parsed); CRLs embedded in the DSS are used
        as well, so a revocation listed in either counts.
    :param moment: validation time (default now).
    """
    data = bytes(pdf) if pdf is not None else b""
    sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return _failure(sha256, "berkas kosong.")
    if len(data) > max_bytes:
        return _failure(sha256, f"berkas lebih besar dari {max_bytes // _MIB} MB.")
    if b"%PDF-" not in data[:1024]:
        return _failure(sha256, "berkas bukan dokumen PDF.")
    revision_count = None
    try:
        reader = PdfFileReader(BytesIO(data), decode_limits=_DECODE_LIMITS)
        revision_count = reader.xrefs.total_revisions
        if reader.encrypted:
            return _failure(sha256, "dokumen terenkripsi tidak didukung.", revision_count)
        embedded = reader.embedded_signatures
        if len(embedded) > max_signatures:
            return _failure(sha256, "terlalu banyak tanda tangan.", revision_count)
        dss_crls, dss_certs = _dss_material(reader)
        # One context for all signatures: same moment, and pyHanko caches the paths
        # and CRL checks it has already done (the chain is the same for most acts).
        vc = make_validation_context(
            trust_roots,
            [*crls, *dss_crls],
            other_certs=[*other_certs, *dss_certs],
            moment=moment,
        )
        all_crls = [to_asn1_crl(c) for c in [*crls, *dss_crls]]
        reports = []
        for emb in embedded:
            is_ts = emb.sig_object.get("/Type") == "/DocTimeStamp"
            if is_ts:
                status = validate_pdf_timestamp(emb, validation_context=vc)
            else:
                status = validate_pdf_signature(emb, vc, vc)
                past = _moment_before_benign_revocation(status, all_crls)
                if past is not None:
                    past_vc = make_validation_context(
                        trust_roots,
                        [*crls, *dss_crls],
                        other_certs=[*other_certs, *dss_certs],
                        moment=past,
                    )
                    status = validate_pdf_signature(emb, past_vc, vc)
            reports.append(_report(emb, status, is_ts=is_ts))
    except Exception as exc:  # noqa: BLE001 - every failure is "cannot be verified"
        log.info("PDF verification failed: %r", exc)
        detail = str(exc).strip() or type(exc).__name__
        return _failure(sha256, f"{detail[:300]}", revision_count)

    problems = []
    regular = [r for r in reports if not r.is_document_timestamp]
    if not regular:
        problems.append("Dokumen tidak memiliki tanda tangan elektronik.")
    for r in reports:
        if not r.bottom_line:
            problems.append(f"{r.field_name}: {r.problem}")
    last_signed = max((r.signed_revision or 0 for r in regular), default=-1)
    has_lta = any(
        r.is_document_timestamp and r.bottom_line and (r.signed_revision or 0) > last_signed
        for r in reports
    )
    return VerificationReport(
        valid=not problems,
        error=None,
        signatures=tuple(reports),
        has_lta=has_lta,
        revision_count=revision_count,
        sha256=sha256,
        problems=tuple(problems),
    )


def signed_field_names(pdf: bytes) -> set[str]:
    """Names of the signature fields that hold a signature of an act (empty set if unreadable).

    Document time stamps (one after every act) are not acts and are left out."""
    try:
        reader = PdfFileReader(BytesIO(pdf), decode_limits=_DECODE_LIMITS)
        return {
            name
            for name, value, _ref in sig_fields.enumerate_sig_fields(reader, filled_status=True)
            if value is not None and value.get_object().get("/Type") != "/DocTimeStamp"
        }
    except Exception:  # noqa: BLE001 - unreadable means nothing is signed for us
        return set()
