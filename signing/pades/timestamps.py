"""Document time stamps (PAdES B-LTA) with the revocation data they protect, and the sizes
of time stamp tokens that let a signature reserve its space up front."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings
from pyhanko.sign.timestamps import TimeStamper, TimestampRequestError
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from .errors import PadesError
from .validation import to_asn1_certificate, to_asn1_crl, to_asn1_ocsp

__all__ = ["TIMESTAMP_FIELD_PREFIX", "add_document_timestamp"]

#: The digest of every signature and time stamp we make.
DIGEST = "sha256"
#: Document time stamps get fields named ``CapWaktuDokumen-<random>``.
TIMESTAMP_FIELD_PREFIX = "CapWaktuDokumen"
# A time stamp token: TSTInfo, signed attributes, signature, framing (certs extra).
_TST_OVERHEAD = 1280
#: Slack added to every reservation of signature space.
SIZE_MARGIN = 512


def incremental_writer(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf:
        raise PadesError("Dokumen PDF kosong.")
    try:
        return IncrementalPdfFileWriter(BytesIO(pdf))
    except Exception as exc:  # pyHanko raises many kinds on malformed input
        raise PadesError(f"Dokumen PDF tidak dapat dibaca: {exc}") from exc


def token_size(timestamper: TimeStamper) -> int | None:
    certs = getattr(timestamper, "embedded_certs_size", None)
    if certs is None:
        return None
    return certs + _TST_OVERHEAD


def timestamp_reserve(timestamper: TimeStamper) -> int | None:
    tst = token_size(timestamper)
    return None if tst is None else 2 * (tst + SIZE_MARGIN)


def timestamper_certs(timestamper: TimeStamper | None) -> list[asn1_x509.Certificate] | None:
    """The certificates a time stamper puts in its tokens, when it says (``None``: unknown)."""
    if timestamper is None:
        return []
    tsa_cert = getattr(timestamper, "tsa_cert", None)
    if tsa_cert is None:
        return None
    return [tsa_cert, *getattr(timestamper, "certs_to_embed", ())]


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
    writer = incremental_writer(pdf)
    context = validation_context
    if revocation_data is not None:
        certs, crls = revocation_data
        tsa_certs = timestamper_certs(timestamper)
        DocumentSecurityStore.supply_dss_in_writer(
            writer,
            None,
            certs=[*(to_asn1_certificate(c) for c in certs), *(tsa_certs or ())],
            crls=[to_asn1_crl(c) for c in crls],
            ocsps=[to_asn1_ocsp(r) for r in ocsps] or None,
        )
        if tsa_certs is not None:
            context = None
    # A document carries one stamp per act: each in its own field, named for a reader.
    name = field_name or f"{TIMESTAMP_FIELD_PREFIX}-{uuid.uuid4().hex[:12]}"
    stamper = PdfTimeStamper(timestamper, field_name=name)
    try:
        out = stamper.timestamp_pdf(
            writer,
            DIGEST,
            validation_context=context,
            bytes_reserved=timestamp_reserve(timestamper),
            dss_settings=TimestampDSSContentSettings(include_vri=False, update_before_ts=True),
        )
    except (SigningError, TimestampRequestError, PdfError) as exc:
        raise PadesError(f"Cap waktu dokumen gagal: {exc}") from exc
    return out.getvalue()
