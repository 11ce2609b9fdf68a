"""Officials' certificates: enrolment (a new key pair and certificate, the key stored
encrypted under the official's passphrase), revocation, and the queries of an official's
certificates. The CRLs and OCSP answers built from them are :mod:`signing.pki.revocation`'s."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, undefer

from signing import audit
from signing.auth.passwords import check_password as matches_login
from signing.db import utcnow
from signing.models import CertificateStatus, SigningCertificate, User
from signing.models.regions import OfficeKind
from signing.pki.authority import app_or_current, get_ca, kdf_params
from signing.pki.ca import certificate_to_pem, issue_certificate
from signing.pki.errors import NotAnOfficial, PassphraseRejected, PkiError
from signing.pki.keystore import encrypt_private_key, generate_private_key
from signing.pki.revocation import (
    REVOCATION_REASONS,
    fingerprint_query,
    forget_fingerprint,
    remember_fingerprint,
)

MIN_PASSPHRASE_LENGTH = 8


def active_certificate(
    db_session: Session, user: User, *, with_key: bool = False
) -> SigningCertificate | None:
    """The user's active certificate; ``with_key`` loads the encrypted key in the same query
    (it is a deferred column, otherwise read by a second query when an act unlocks it)."""
    if not with_key:
        return db_session.execute(
            _active_certificate_statement(), {"user_id": user.id}
        ).scalar_one_or_none()
    # An act: the key, and the CRLs' fingerprint the act is about to need, in one round trip.
    row = db_session.execute(_unlock_statement(), {"user_id": user.id}).one_or_none()
    if row is None:
        return None
    record, *fingerprint = row
    remember_fingerprint(db_session, tuple(fingerprint))
    return record


@functools.cache
def _active_certificate_statement() -> sa.Select[tuple[SigningCertificate]]:
    return (
        sa.select(SigningCertificate)
        .where(
            SigningCertificate.user_id == sa.bindparam("user_id"),
            SigningCertificate.status == CertificateStatus.ACTIVE,
        )
        .order_by(SigningCertificate.id.desc())
        .limit(1)
    )


@functools.cache
def _unlock_statement() -> sa.Select[Any]:
    revocations = fingerprint_query()
    return (
        _active_certificate_statement()
        .add_columns(*revocations.c)
        .join(revocations, sa.true())
        .options(undefer(SigningCertificate.encrypted_key))
    )


def latest_certificate(db_session: Session, user: User) -> SigningCertificate | None:
    return db_session.execute(
        sa.select(SigningCertificate)
        .where(SigningCertificate.user_id == user.id)
        .order_by(SigningCertificate.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def check_new_passphrase(user: User, passphrase: str, check_password: bool) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseRejected(refusal="passphrase_too_short", length=MIN_PASSPHRASE_LENGTH)
    if check_password:
        if matches_login(user.password_hash, passphrase):
            raise PassphraseRejected(refusal="passphrase_is_password")


def _office_line(user: User) -> str:
    return "; ".join(office.title for office in user.current_offices)


def institution_of(office: Any) -> str:
    """The institution an office belongs to, as a certificate's O names it: "Pemerintah
    Kabupaten Kotawaringin Timur", "DPRD Kota Palangka Raya", "Pemerintah Provinsi
    Kalimantan Tengah", "DPRD Provinsi Kalimantan Tengah"."""
    kind = OfficeKind(office.kind)
    if kind is OfficeKind.KETUA_DPRD_PROVINSI:
        return f"DPRD Provinsi {office.province.name}"
    if kind.is_provincial:
        return f"Pemerintah Provinsi {office.province.name}"
    region = office.region.name if office.region is not None else office.province.name
    if kind in (OfficeKind.KETUA_DPRD, OfficeKind.WAKIL_KETUA_DPRD):
        return f"DPRD {region}"
    return f"Pemerintah {region}"


def _institution_line(user: User) -> str:
    names = dict.fromkeys(institution_of(office) for office in user.current_offices)
    return "; ".join(names)


def enrol(
    db_session: Session,
    user: User,
    passphrase: str,
    *,
    actor: Any,
    check_password: bool = True,
    app: Flask | None = None,
) -> SigningCertificate:
    """Give ``user`` a new key pair and certificate; the key is stored encrypted only.

    The certificate names the official (CN), their current office(s) (title) and their own
    institution (O: "Pemerintah Kabupaten ...", "DPRD Provinsi ...", see :func:`institution_of`).
    An earlier active certificate is marked SUPERSEDED and revoked (reason "superseded"), so the
    next CRL lists it.

    ``check_password`` refuses a passphrase equal to the login password (an Argon2 check; the
    demo, which knows both, skips it).

    :raises PassphraseRejected: shorter than 8 characters, or the login password.
    :raises NotAnOfficial: the account holds no office.
    :raises CaMissing: no CA yet.
    """
    app = app_or_current(app)
    check_new_passphrase(user, passphrase, check_password)
    offices = user.current_offices
    if not offices:
        raise NotAnOfficial(username=user.username)
    ca = get_ca(app)
    key = generate_private_key(app.config.get("SIGNING_KEY_KIND", "rsa2048"))
    cert = issue_certificate(
        ca,
        key.public_key(),
        common_name=user.display_name,
        office=_office_line(user),
        institution=_institution_line(user),
        email=user.email or None,
        validity_days=int(app.config.get("SIGNING_CERT_DAYS", 2 * 365)),
    )
    blob = encrypt_private_key(key, passphrase, kdf=kdf_params(app))
    del key
    previous = active_certificate(db_session, user)
    now = utcnow()
    if previous is not None:
        previous.status = CertificateStatus.SUPERSEDED
        previous.revoked_at = now
        forget_fingerprint(db_session)
        previous.revocation_reason = "superseded"
    record = SigningCertificate(
        user_id=user.id,
        serial=format(cert.serial_number, "x"),
        subject=cert.subject.rfc4514_string()[:500],
        certificate_pem=certificate_to_pem(cert).decode("ascii"),
        encrypted_key=blob,
        key_kind=app.config.get("SIGNING_KEY_KIND", "rsa2048"),
        status=CertificateStatus.ACTIVE,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        created_at=now,
    )
    db_session.add(record)
    db_session.flush()
    record_certificate_event(
        db_session,
        "pki.enrol",
        record,
        actor,
        {
            "user_id": user.id,
            "username": user.username,
            "serial": record.serial,
            "subject": record.subject,
            "not_after": record.not_after.isoformat(),
            "supersedes": previous.serial if previous is not None else None,
        },
    )
    return record


def record_certificate_event(
    db_session: Session,
    action: str,
    certificate: SigningCertificate,
    actor: Any,
    details: dict[str, Any],
) -> None:
    """The audit entry of something done to an official's certificate."""
    audit.record_about(
        db_session,
        action,
        certificate,
        actor=actor,
        details=details,
    )


# ----------------------------------------------------------------------- revoking


def revoke(
    db_session: Session, certificate: SigningCertificate, reason: str, *, actor: Any
) -> SigningCertificate:
    """Revoke ``certificate`` (it appears on the next CRL; its owner can no longer sign).

    :raises PkiError: unknown reason, or the certificate is already revoked or superseded.
    """
    if reason not in REVOCATION_REASONS:
        raise PkiError(
            f"Alasan pencabutan tidak dikenal: {reason}. Pilihan: {', '.join(REVOCATION_REASONS)}."
        )
    if certificate.revoked_at is not None:
        raise PkiError(f"Sertifikat {certificate.serial} sudah dicabut atau diganti.")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    forget_fingerprint(db_session)
    certificate.revocation_reason = reason
    db_session.flush()
    details = {"user_id": certificate.user_id, "serial": certificate.serial, "reason": reason}
    record_certificate_event(db_session, "pki.revoke", certificate, actor, details)
    return certificate
