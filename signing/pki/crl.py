"""Certificate revocation lists: building them for a CA, and checking a certificate against
them before it signs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from .errors import CertificateNotUsable, PkiError
from .profiles import authority_key_identifier

if TYPE_CHECKING:
    from .ca import CertificateAuthority

CrlLevel = Literal["root", "issuing"]
#: (serial number, revocation time, reason or None), as the app's records hold them.
RevokedEntry = tuple[int, dt.datetime, "x509.ReasonFlags | str | None"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def crl_from_bytes(data: bytes | x509.CertificateRevocationList) -> x509.CertificateRevocationList:
    """Load a CRL from PEM or DER (an already parsed CRL passes through)."""
    if isinstance(data, x509.CertificateRevocationList):
        return data
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


_crl_number_lock = threading.Lock()
_last_crl_number = 0


def _next_crl_number() -> int:
    """Milliseconds since the epoch, strictly increasing within the process.

    Time-based so that numbers keep increasing across restarts without a counter
    file; the guard covers two CRLs built within the same millisecond.
    """
    global _last_crl_number
    with _crl_number_lock:
        _last_crl_number = max(time.time_ns() // 1_000_000, _last_crl_number + 1)
        return _last_crl_number


def _reason(value) -> x509.ReasonFlags | None:
    if value is None or isinstance(value, x509.ReasonFlags):
        return value
    try:
        return x509.ReasonFlags[value]
    except KeyError:
        return x509.ReasonFlags(value)


def build_crl(
    ca: CertificateAuthority,
    level: CrlLevel,
    revoked: Iterable[RevokedEntry] = (),
    next_update_days: int = 7,
    *,
    this_update: dt.datetime | None = None,
) -> bytes:
    """A DER CRL signed by the root (``"root"``) or the issuing CA (``"issuing"``).

    ``revoked`` holds ``(serial, revoked_at, reason)``; reason is a
    :class:`x509.ReasonFlags`, its name (``"key_compromise"``) or value
    (``"keyCompromise"``), or ``None``.
    """
    if level == "root":
        issuer_cert, key = ca.root_cert, ca.root_key
    elif level == "issuing":
        issuer_cert, key = ca.issuing_cert, ca.issuing_key
    else:
        raise PkiError(f"Tingkat CRL tidak dikenal: {level}")
    this_update = this_update or _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(this_update + dt.timedelta(days=next_update_days))
        .add_extension(x509.CRLNumber(_next_crl_number()), critical=False)
        .add_extension(authority_key_identifier(issuer_cert), critical=False)
    )
    for serial, revoked_at, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial)
        if revoked_at.tzinfo is None:
            revoked_at = revoked_at.replace(tzinfo=dt.UTC)
        entry = entry.revocation_date(revoked_at)
        flag = _reason(reason)
        if flag is not None and flag is not x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def check_certificate_usable(
    cert: x509.Certificate,
    crls: Iterable[bytes | x509.CertificateRevocationList] = (),
    now: dt.datetime | None = None,
) -> None:
    """Refuse a certificate that is expired, not yet valid or listed on a CRL.

    Called before every act so that no signature is made that would verify as
    invalid anyway.

    :raises CertificateNotUsable: with an Indonesian message.
    """
    now = now or _now()
    if now < cert.not_valid_before_utc:
        raise CertificateNotUsable(refusal="certificate_not_yet_valid")
    if now > cert.not_valid_after_utc:
        raise CertificateNotUsable(
            refusal="certificate_expired", date=f"{cert.not_valid_after_utc:%d-%m-%Y}"
        )
    for raw in crls:
        crl = crl_from_bytes(raw)
        if crl.issuer != cert.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= now:
            raise CertificateNotUsable(
                refusal="certificate_revoked_at", when=f"{entry.revocation_date_utc:%d-%m-%Y %H:%M}"
            )
