"""Unlocking an official's key for one act, and the throttle on wrong passphrases.

Passphrase failures are counted in the audit log (action ``pki.passphrase_failed``), so the
throttle holds across worker processes and servers. The failure entry lands in the caller's
session: a caller that catches :class:`WrongPassphrase`, :class:`PassphraseLocked`,
:class:`NotEnrolled` or :class:`CertificateNotUsable` must still **commit** (as the login view
does for a failed login), or the attempt is forgotten and the throttle never engages.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from flask import Flask
from sqlalchemy.orm import Session

from signing import audit
from signing.db import utcnow
from signing.models import AuditEntry, CertificateStatus, SigningCertificate, User
from signing.pades.signers import InternalKeySigner
from signing.pki.authority import app_or_current, get_ca, kdf_params
from signing.pki.ca import check_certificate_usable
from signing.pki.enrolment import (
    active_certificate,
    check_new_passphrase,
    latest_certificate,
    record_certificate_event,
)
from signing.pki.errors import (
    CertificateNotUsable,
    NotEnrolled,
    PassphraseLocked,
    PkiError,
    WrongPassphrase,
)
from signing.pki.keystore import decrypt_private_key, encrypt_private_key, key_matches_certificate
from signing.pki.revocation import current_crls

#: Wrong passphrases allowed within the window before the account's key is locked.
DEFAULT_MAX_FAILURES = 5
#: Window in which failures are counted, and how long a lock lasts.
DEFAULT_LOCK_WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class LockState:
    locked_until: dt.datetime | None
    #: Wrong passphrases counted toward the next lock.
    failures: int
    remaining: int


def _config_int(app: Flask, key: str, default: int) -> int:
    return int(app.config.get(key, default))


def _window(app: Flask) -> dt.timedelta:
    minutes = app.config.get("PASSPHRASE_LOCK_MINUTES")
    return dt.timedelta(minutes=float(minutes)) if minutes else DEFAULT_LOCK_WINDOW


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # max() bypasses the column type on SQLite, so the zone may be missing.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def lock_state(db_session: Session, user: User, app: Flask | None = None) -> LockState:
    """How many wrong passphrases count against ``user`` now, and any lock in force.

    Counted from the audit log, so every worker process sees the same state. Failures count
    within the window, and only since the last successful unlock and the last lock.

    One query, newest first: a lock in force is the newest "locked" entry inside the window;
    otherwise the failures are the entries before the first unlock or lock met. There are never
    more than ``limit`` of them in a row (the next one writes a lock), so ``limit + 1`` rows
    always reach the answer.
    """
    app = app_or_current(app)
    window = _window(app)
    limit = _config_int(app, "PASSPHRASE_MAX_FAILURES", DEFAULT_MAX_FAILURES)
    now = utcnow()
    rows = db_session.execute(
        _lock_state_statement(limit + 1), {"user_id": str(user.id), "since": now - window}
    ).all()
    failures = 0
    for action, created_at in rows:
        if action == "pki.passphrase_locked":
            return LockState(_aware(created_at) + window, limit, 0)
        if action == "pki.unlock":
            break
        failures += 1
    return LockState(None, failures, max(0, limit - failures))


@functools.cache
def _lock_state_statement(rows: int) -> sa.Select[Any]:
    return (
        sa.select(AuditEntry.action, AuditEntry.created_at)
        .where(
            AuditEntry.object_type == "user",
            AuditEntry.object_id == sa.bindparam("user_id"),
            AuditEntry.action.in_(("pki.passphrase_locked", "pki.unlock", "pki.passphrase_failed")),
            AuditEntry.created_at > sa.bindparam("since"),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(rows)
    )


def _refuse(db_session: Session, user: User, reason: str, **details: Any) -> None:
    _record(db_session, user, "pki.unlock_refused", {"reason": reason, **details})


def _record(
    db_session: Session, user: User, action: str, details: dict[str, Any], *, defer: bool = False
) -> None:
    """An audit entry about ``user``'s key throttle (what :func:`lock_state` counts)."""
    audit.record_about(
        db_session,
        action,
        user,
        actor=user,
        details=details,
        defer=defer,
    )


class EnrolledSigner(InternalKeySigner):
    """An official's unlocked key for one act, with the database row of its certificate."""

    def __init__(self, record: SigningCertificate, certificate: x509.Certificate, key, chain):
        super().__init__(certificate, key, chain)
        #: The ``signing_certificates`` row (for ``Act.certificate_id``).
        self.record = record

    @property
    def certificate_id(self) -> int:
        return self.record.id


def _unlock(
    db_session: Session, user: User, passphrase: str, app: Flask
) -> tuple[SigningCertificate, x509.Certificate, Any]:
    """Checks and passphrase; shared by :func:`signer_for_act` and :func:`change_passphrase`."""
    record = active_certificate(db_session, user, with_key=True)
    if record is None:
        latest = latest_certificate(db_session, user)
        if latest is not None and latest.status == CertificateStatus.REVOKED:
            _refuse(db_session, user, "revoked", serial=latest.serial)
            raise CertificateNotUsable(refusal="certificate_revoked")
        _refuse(db_session, user, "not_enrolled")
        raise NotEnrolled()
    state = lock_state(db_session, user, app)
    if state.locked_until is not None:
        _refuse(db_session, user, "locked", until=state.locked_until.isoformat())
        raise PassphraseLocked(state.locked_until)
    certificate = x509.load_pem_x509_certificate(record.certificate_pem.encode("ascii"))
    try:
        # The chain and the CRLs are checked here, once: the PAdES act relies on it
        # (signer_checked) instead of having pyHanko validate the path again.
        _check_issued_by_ca(certificate, app)
        check_certificate_usable(certificate, current_crls(db_session, app))
    except CertificateNotUsable as error:
        _refuse(
            db_session, user, "certificate_not_usable", serial=record.serial, message=str(error)
        )
        raise
    try:
        key = decrypt_private_key(record.encrypted_key, passphrase)
    except WrongPassphrase:
        failed = {"serial": record.serial, "failures": state.failures + 1}
        _record(db_session, user, "pki.passphrase_failed", failed)
        remaining = state.remaining - 1
        if remaining <= 0:
            window = _window(app)
            locked = {"failures": state.failures + 1, "minutes": window.total_seconds() // 60}
            _record(db_session, user, "pki.passphrase_locked", locked)
            raise WrongPassphrase(
                refusal="wrong_passphrase_locked", minutes=int(window.total_seconds() // 60)
            ) from None
        raise WrongPassphrase(refusal="wrong_passphrase_remaining", remaining=remaining) from None
    if not key_matches_certificate(key, certificate):
        _refuse(db_session, user, "key_mismatch", serial=record.serial)
        raise PkiError(refusal="key_mismatch")
    return record, certificate, key


def _check_issued_by_ca(certificate: x509.Certificate, app: Flask) -> None:
    # Any issuing CA of this app, including one replaced by a rotation: an official's
    # certificate stays usable until it expires or is re-enrolled.
    if get_ca(app).issuer_of(certificate) is None:
        raise CertificateNotUsable(refusal="certificate_foreign") from None


def signer_for_act(
    db_session: Session, user: User, passphrase: str, app: Flask | None = None
) -> EnrolledSigner:
    """Unlock ``user``'s key for one act; close the signer (or use ``with``) when done.

    Refused before the key is touched when the user has no active certificate, is locked out,
    or the certificate is expired or on the current CRL. Every refusal writes an audit entry
    in ``db_session``: the caller commits it even though the act failed.

    :raises NotEnrolled: no certificate yet ("Anda belum mendaftarkan kunci tanda tangan").
    :raises CertificateNotUsable: revoked or expired.
    :raises PassphraseLocked: too many wrong passphrases recently.
    :raises WrongPassphrase: wrong passphrase or altered key blob (the message says how many
        attempts remain).
    """
    app = app_or_current(app)
    record, certificate, key = _unlock(db_session, user, passphrase, app)
    # Deferred: written with the act's own entries, so the audit chain's lock is not held
    # while the PDF is signed (see signing.audit).
    _record(db_session, user, "pki.unlock", {"serial": record.serial}, defer=True)
    return EnrolledSigner(record, certificate, key, get_ca(app).chain_for(certificate))


def change_passphrase(
    db_session: Session,
    user: User,
    old: str,
    new: str,
    *,
    actor: Any = None,
    app: Flask | None = None,
) -> SigningCertificate:
    """Re-encrypt the same key under a new passphrase (the certificate stays as it is).

    The old passphrase goes through the same throttle as an act: otherwise this would be a
    way to guess it without limit.
    """
    app = app_or_current(app)
    check_new_passphrase(user, new, check_password=True)
    record, _certificate, key = _unlock(db_session, user, old, app)
    record.encrypted_key = encrypt_private_key(key, new, kdf=kdf_params(app))
    del key
    db_session.flush()
    changed = {"user_id": user.id, "serial": record.serial}
    by = actor if actor is not None else user
    record_certificate_event(db_session, "pki.passphrase_changed", record, by, changed)
    # A success resets the failure count, like an unlock for an act.
    _record(
        db_session, user, "pki.unlock", {"serial": record.serial, "purpose": "change_passphrase"}
    )
    return record
