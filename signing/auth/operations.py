"""Account operations. They change objects and write audit entries; callers commit."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.auth.passwords import check_password, hash_password, needs_rehash
from signing.db import utcnow
from signing.models import AuthSession, Role, User


class AccountError(Exception):
    """A domain error whose message is shown to the user (Indonesian)."""


MIN_PASSWORD_LENGTH = 10


def create_user(
    db_session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str = "",
    password_hash: str | None = None,
    email: str | None = None,
    is_demo: bool = False,
    actor: object = None,
) -> User:
    """A new account. ``password_hash`` instead of ``password`` for a password hashed already
    (the demo hashes its one shared password once: Argon2id is deliberately slow)."""
    username = username.strip().lower()
    if not username or len(username) > 80:
        raise AccountError("Nama pengguna wajib diisi (maksimal 80 karakter).")
    if password_hash is None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    exists = db_session.execute(sa.select(User.id).where(User.username == username)).first()
    if exists:
        raise AccountError(f"Nama pengguna '{username}' sudah dipakai.")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash or hash_password(password),
        role=role,
        email=email,
        is_demo=is_demo,
    )
    db_session.add(user)
    db_session.flush()
    audit.record_about(
        db_session,
        "user.create",
        user,
        actor=actor,
        details={"username": username, "role": role.value},
    )
    return user


def set_password(db_session: Session, user: User, password: str, *, actor: object = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    user.password_hash = hash_password(password)
    revoke_all_sessions(db_session, user)
    audit.record_about(db_session, "user.password_set", user, actor=actor)


def authenticate(db_session: Session, username: str, password: str) -> User | None:
    """The user if the credentials are right and the account active; otherwise None.

    The password is checked even for unknown accounts so the answer takes the same time.
    """
    user = db_session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    ok = check_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        audit.record(
            db_session,
            "auth.login_failed",
            object_type="user",
            object_id=user.id if user else None,
            details={"username": username[:80]},
        )
        return None
    if needs_rehash(user.password_hash):
        # Made with weaker parameters than today's (an older release, an import): upgraded
        # now, the one moment the password is known.
        user.password_hash = hash_password(password)
    return user


def open_session(
    db_session: Session, user: User, *, ip: str | None, user_agent: str | None
) -> AuthSession:
    auth_session = AuthSession(
        id=secrets.token_urlsafe(32), user_id=user.id, ip=ip, user_agent=(user_agent or "")[:300]
    )
    db_session.add(auth_session)
    user.last_login_at = utcnow()
    db_session.flush()
    audit.record_about(db_session, "auth.login", user, actor=user)
    return auth_session


def close_session(db_session: Session, session_id: str | None, user: User | None) -> None:
    if session_id:
        auth_session = db_session.get(AuthSession, session_id)
        if auth_session is not None and auth_session.revoked_at is None:
            auth_session.revoked_at = utcnow()
    if user is not None:
        audit.record_about(db_session, "auth.logout", user, actor=user)


def revoke_all_sessions(db_session: Session, user: User) -> None:
    db_session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def load_session_user(db_session: Session, session_id: str) -> User | None:
    """The user of a live login session, or None if it was revoked or never existed."""
    auth_session = db_session.get(AuthSession, session_id)
    if auth_session is None or auth_session.revoked_at is not None:
        return None
    user = auth_session.user
    return user if user.active else None
