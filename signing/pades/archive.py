"""How long a document's newest time stamp stays verifiable offline (its "archive horizon")."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from asn1crypto import crl as asn1_crl
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError

from .errors import PadesError

__all__ = ["archive_horizon"]


def archive_horizon(pdf: bytes) -> dt.datetime | None:
    """When the newest document time stamp of ``pdf`` stops being verifiable without us: the
    earlier of its TSA certificate's expiry and the ``nextUpdate`` of the newest CRL in the
    document from the issuer of that certificate (its revocation data). ``None`` when there is
    no document time stamp at all.

    A validator checks the newest stamp at the present time; the stamps before it, and every
    signature, are checked in the past with the proof of existence it gives. So renewing before
    this moment (``signing archive renew``) keeps the whole chain verifiable.

    :raises PadesError: unreadable PDF.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        stamps = [s for s in reader.embedded_signatures if s.sig_object_type == "/DocTimeStamp"]
        if not stamps:
            return None
        tsa_cert = stamps[-1].signer_cert
        try:
            dss = DocumentSecurityStore.read_dss(reader)
            crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.crls]
        except NoDSSFoundError:
            crls = []
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on malformed input
        raise PadesError(f"PDF tidak terbaca: {exc}") from exc
    horizon = tsa_cert.not_valid_after
    covering = [
        c["tbs_cert_list"]["next_update"].native
        for c in crls
        if c.issuer == tsa_cert.issuer and c["tbs_cert_list"]["next_update"].native is not None
    ]
    # No CRL for the TSA's issuer: nothing proves the TSA unrevoked; renew now.
    revocation_until = max(covering) if covering else dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(horizon, revocation_until)
