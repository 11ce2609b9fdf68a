"""OCSP responses (RFC 6960) signed by the issuing CA itself: embedded after every act, and
answered at ``/pki/ocsp`` for validators that ask online.

Why they exist: a validator that checks a signature long after its CRLs expired (AdES past
signature validation) needs revocation data of the signer's certificate that was *issued after
the signature* and that a later document time stamp proves existed. pyHanko 0.38 finds such data
for a leaf only as an OCSP response: for a CRL signed by the leaf's own issuer its past
validation cannot build the CRL issuer's path (measured; see docs/long-term-validation.md).
So the document time stamp after every act carries one OCSP response for the certificate that
just signed, issued at that moment by the issuing CA (a CA-signed response, RFC 6960 4.2.2.2:
no delegated responder certificate, no extra key).
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from .keystore import PrivateKey

__all__ = ["ocsp_response"]


def ocsp_response(
    cert: x509.Certificate,
    issuer_cert: x509.Certificate,
    issuer_key: PrivateKey,
    *,
    revoked: tuple[dt.datetime, x509.ReasonFlags | None] | None = None,
    now: dt.datetime | None = None,
    next_update_days: int = 7,
    algorithm: hashes.HashAlgorithm | None = None,
) -> bytes:
    """A DER OCSP response for ``cert``: good, or revoked at ``revoked[0]``."""
    now = now or dt.datetime.now(dt.UTC)
    if revoked is None:
        status, revoked_at, reason = ocsp.OCSPCertStatus.GOOD, None, None
    else:
        status, (revoked_at, reason) = ocsp.OCSPCertStatus.REVOKED, revoked
        if revoked_at.tzinfo is None:
            revoked_at = revoked_at.replace(tzinfo=dt.UTC)
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=cert,
            issuer=issuer_cert,
            algorithm=algorithm or hashes.SHA256(),
            cert_status=status,
            this_update=now,
            next_update=now + dt.timedelta(days=next_update_days),
            revocation_time=revoked_at,
            revocation_reason=reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer_cert)
    )
    response = builder.sign(issuer_key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)
