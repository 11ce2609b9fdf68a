"""Revocation data: CRLs and OCSP answers built from the ``signing_certificates`` table, the
validation context of an act, and the document time stamp that stores them.

The CRLs are cached per app and rebuilt only when the revocations in the database changed
(their fingerprint, read once per transaction) or a day has passed.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp as x509_ocsp
from flask import Flask
from sqlalchemy.orm import Session

from signing.files import write_atomic
from signing.models import SigningCertificate
from signing.pades.sign import add_document_timestamp, make_validation_context
from signing.pki.authority import EXT_CRLS, app_or_current, get_ca, timestamper
from signing.pki.ca import CertificateAuthority, build_crl
from signing.pki.errors import PkiError
from signing.pki.ocsp import ocsp_response
from signing.pki.tsa import to_asn1

#: CRLs say "next update in 7 days"; rebuilding daily keeps them fresh with a wide margin.
CRL_NEXT_UPDATE_DAYS = 7
CRL_REBUILD_AFTER = dt.timedelta(days=1)

#: Revocation reasons (RFC 5280 names, as :func:`signing.pki.ca.build_crl` takes them).
REVOCATION_REASONS: dict[str, str] = {
    "affiliation_changed": "Tidak lagi menjabat",
    "key_compromise": "Kunci atau frasa sandi bocor",
    "cessation_of_operation": "Tidak lagi menandatangani",
    "superseded": "Diganti oleh pendaftaran ulang",
    "unspecified": "Tanpa alasan khusus",
}

#: session.info key: (transaction, revocation fingerprint) read in that transaction.
_FINGERPRINT = "signing.pki.crl_fingerprint"


@dataclass(frozen=True)
class _CrlCache:
    fingerprint: tuple[Any, ...]
    built: float
    root: bytes
    issuing: bytes
    #: CRLs of the issuing CAs replaced by rotations, oldest first.
    previous: tuple[bytes, ...] = ()


def revocation_fingerprint(db_session: Session) -> tuple[Any, ...]:
    """What the CRLs are built from, summed up; read once per transaction.

    An act asks twice (the usability check of the certificate, then the validation context
    of the signature); inside one transaction the answer changes only through :func:`enrol` or
    :func:`revoke` in this same session, and those forget it.
    """
    transaction = db_session.get_transaction()
    cached = db_session.info.get(_FINGERPRINT)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    fingerprint = tuple(db_session.execute(_fingerprint_statement()).one())
    remember_fingerprint(db_session, fingerprint)
    return fingerprint


@functools.cache
def _fingerprint_statement() -> sa.Select[Any]:
    return sa.select(*fingerprint_query().c)


def fingerprint_query() -> sa.Subquery:
    return (
        sa.select(
            sa.func.count(SigningCertificate.id).label("revoked_count"),
            sa.func.max(SigningCertificate.id).label("revoked_max_id"),
            sa.func.max(SigningCertificate.revoked_at).label("revoked_latest"),
        )
        .where(SigningCertificate.revoked_at.is_not(None))
        .subquery("revocations")
    )


def remember_fingerprint(db_session: Session, fingerprint: tuple[Any, ...]) -> None:
    db_session.info[_FINGERPRINT] = (db_session.get_transaction(), fingerprint)


def forget_fingerprint(db_session: Session) -> None:
    db_session.info.pop(_FINGERPRINT, None)


def revoked_entries(db_session: Session) -> list[tuple[int, dt.datetime, str | None]]:
    """``(serial, revoked_at, reason)`` of every revoked or superseded signing certificate."""
    rows = db_session.execute(
        sa.select(
            SigningCertificate.serial,
            SigningCertificate.revoked_at,
            SigningCertificate.revocation_reason,
        )
        .where(SigningCertificate.revoked_at.is_not(None))
        .order_by(SigningCertificate.id)
    ).all()
    return [
        (int(serial, 16), revoked_at, reason if reason in REVOCATION_REASONS else None)
        for serial, revoked_at, reason in rows
    ]


def current_crls(db_session: Session, app: Flask | None = None) -> list[bytes]:
    """The root CRL and the issuing CA's CRL (DER, in that order), from the database's state,
    then the CRLs of issuing CAs replaced by ``signing ca rotate``.

    Cached per app; rebuilt when a certificate was revoked (or superseded) since, and daily.
    """
    crls = _crls(db_session, app)
    return [crls.root, crls.issuing, *crls.previous]


def crl(db_session: Session, level: str, app: Flask | None = None) -> bytes:
    """One CRL: ``"root"`` or ``"issuing"``."""
    crls = _crls(db_session, app)
    if level == "root":
        return crls.root
    if level == "issuing":
        return crls.issuing
    raise PkiError(f"Tingkat CRL tidak dikenal: {level}")


def _crls(db_session: Session, app: Flask | None) -> _CrlCache:
    app = app_or_current(app)
    ca = get_ca(app)
    fingerprint = revocation_fingerprint(db_session)
    cached: _CrlCache | None = app.extensions.get(EXT_CRLS)
    fresh = cached is not None and time.time() - cached.built < CRL_REBUILD_AFTER.total_seconds()
    if fresh and cached.fingerprint == fingerprint:
        return cached
    entries = revoked_entries(db_session)
    cache = _CrlCache(
        fingerprint=fingerprint,
        built=time.time(),
        # Nothing revokes the issuing CA from the database: the root CRL is empty. Its key is
        # offline, so it is the one signed at the ceremony or the last rotation.
        root=ca.root_crl(next_update_days=CRL_NEXT_UPDATE_DAYS),
        issuing=build_crl(ca, "issuing", entries, next_update_days=CRL_NEXT_UPDATE_DAYS),
        # Serials are random: listing all revocations on every issuer's CRL is harmless.
        previous=tuple(
            build_crl(old, "issuing", entries, next_update_days=CRL_NEXT_UPDATE_DAYS)
            for old in ca.previous_issuing_cas()
        ),
    )
    app.extensions[EXT_CRLS] = cache
    return cache


def publish_crls(db_session: Session, app: Flask | None = None) -> list[Path]:
    """Write the current CRLs to ``CERTS_DIR`` (root.crl, issuing.crl); call after commit."""
    ca = get_ca(app)
    crls = _crls(db_session, app)
    paths = []
    files = [(ca.crl_path("root"), crls.root), (ca.crl_path("issuing"), crls.issuing)]
    files += [
        (ca.certs_dir / f"issuing-{number}.crl", der)
        for number, der in enumerate(crls.previous, start=1)
    ]
    for path, der in files:
        # Atomic: a web server reading the file never sees half a CRL.
        write_atomic(path, der, 0o644)
        paths.append(path)
    return paths


def validation_context(db_session: Session, app: Flask | None = None) -> Any:
    """A fresh offline pyHanko validation context with the app's root and current CRLs.

    Build one per act: pyHanko accumulates validation data in it.
    """
    ca = get_ca(app)
    return make_validation_context(
        ca.trust_roots, current_crls(db_session, app), other_certs=ca.issuing_certs
    )


# ------------------------------------------------------------ long-term validation


def _revocation_of(db_session: Session, cert: x509.Certificate) -> Any:
    serial = cert.serial_number
    for entry_serial, revoked_at, reason in revoked_entries(db_session):
        if entry_serial == serial:
            flag = x509.ReasonFlags[reason] if reason else None
            return revoked_at, flag
    return None


def ocsp_responses(
    db_session: Session, certificates: Iterable[x509.Certificate], app: Flask | None = None
) -> list[bytes]:
    """A fresh OCSP response (DER) for each certificate an issuing CA of ours signed (the
    others, like a root-certified TSA, are covered by the root CRL)."""
    return _ocsp_for(db_session, certificates, get_ca(app))


def _ocsp_for(
    db_session: Session,
    certificates: Iterable[x509.Certificate],
    ca: CertificateAuthority,
    algorithm: Any = None,
) -> list[bytes]:
    responses = []
    for cert in certificates:
        issuer = ca.issuer_of(cert)
        if issuer is None:
            continue
        key = ca.issuing_key
        if issuer != ca.issuing_cert:
            view = next(v for v in ca.previous_issuing_cas() if v.issuing_cert == issuer)
            key = view.issuing_key
        responses.append(
            ocsp_response(
                cert,
                issuer,
                key,
                revoked=_revocation_of(db_session, cert),
                next_update_days=CRL_NEXT_UPDATE_DAYS,
                algorithm=algorithm,
            )
        )
    return responses


def answer_ocsp(db_session: Session, request_der: bytes, app: Flask | None = None) -> bytes:
    """The DER OCSP response (RFC 6960) to ``request_der``: good or revoked for a certificate
    one of our issuing CAs signed (officials' from the database, the office seal), else
    ``unauthorized``; ``malformedRequest`` for anything unreadable. Signed by that issuing CA.
    """

    def refusal(status: x509_ocsp.OCSPResponseStatus) -> bytes:
        response = x509_ocsp.OCSPResponseBuilder.build_unsuccessful(status)
        return response.public_bytes(serialization.Encoding.DER)

    try:
        request = x509_ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
        key_hash, serial = request.issuer_key_hash, request.serial_number
    except (ValueError, TypeError, x509.UnsupportedGeneralNameType):
        return refusal(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    ca = get_ca(app)
    name = algorithm.name.replace("-", "")
    issuers = [
        c for c in ca.issuing_certs if getattr(to_asn1(c).public_key, name, None) == key_hash
    ]
    candidates = [ca.seal_cert] if ca.seal_cert.serial_number == serial else []
    record = db_session.execute(
        sa.select(SigningCertificate).where(SigningCertificate.serial == format(serial, "x"))
    ).scalar_one_or_none()
    if record is not None:
        candidates.append(certificate_of(record))
    for cert in candidates:
        issuer = ca.issuer_of(cert)
        if issuer is None or issuer not in issuers:
            continue
        (response,) = _ocsp_for(db_session, [cert], ca, algorithm)
        return response
    return refusal(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)


def document_timestamp(
    db_session: Session,
    pdf: bytes,
    signers: Iterable[x509.Certificate] = (),
    app: Flask | None = None,
) -> bytes:
    """``pdf`` with a document time stamp whose revision first stores, in the DSS, what a
    validator needs without us: our CA certificates, the current CRLs (root CRL from the
    ceremony, issuing CRLs fresh) and an OCSP response for each of ``signers`` (the
    certificates that just signed), all issued after those signatures. The stamp proves they
    existed then; see docs/long-term-validation.md.

    With an external TSA (``TSA_URL``) our data goes in just the same; the TSA's own
    certificates are in its token and its revocation data is not fetched (offline design).

    :raises PadesError: the time stamp could not be made.
    """
    app = app_or_current(app)
    ca = get_ca(app)
    return add_document_timestamp(
        pdf,
        timestamper(app),
        None,
        revocation_data=(
            [*ca.issuing_certs, ca.root_cert, ca.tsa_cert],
            current_crls(db_session, app),
        ),
        ocsps=ocsp_responses(db_session, signers, app),
    )


def certificate_of(record: SigningCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(record.certificate_pem.encode("ascii"))


def certificate_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)
