"""Per-user API tokens: created and revoked from the command line, stored as SHA-256 only.

A token is ``sgn_`` followed by 43 URL-safe characters (256 random bits). Only its SHA-256 is
kept: with that much entropy a fast hash is enough (nobody can search the space), and the
lookup is one indexed equality. The plain token is shown once, at creation.

Operations here flush and write their audit entry; the CLI command commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from signing import audit
from signing.db import utcnow
from signing.models import ApiToken, OfficeHolder, User

__all__ = [
    "PREFIX",
    "TokenError",
    "create_token",
    "find_token",
    "generate_token",
    "hash_token",
    "revoke_token",
    "tokens_of",
]

PREFIX = "sgn_"
#: Longest token name (the column's length).
NAME_MAX = 100
#: ``last_used_at`` is written at most this often per token: a write per request would make
#: every API read a database writer.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


class TokenError(Exception):
    """A token operation refused (message in Indonesian)."""


def generate_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db_session: Session, user: User, name: str, *, actor: object = "cli"
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the plain token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Nama token wajib diisi (misalnya nama sistem yang memakainya).")
    if len(name) > NAME_MAX:
        raise TokenError(f"Nama token paling panjang {NAME_MAX} karakter.")
    if not user.active:
        raise TokenError(f"Akun '{user.username}' nonaktif; token tidak dapat dibuat.")
    plain = generate_token()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(plain), created_at=utcnow())
    db_session.add(token)
    return _recorded(db_session, "api.token_create", token, user, actor), plain


def revoke_token(db_session: Session, token: ApiToken, *, actor: object = "cli") -> ApiToken:
    if token.revoked_at is not None:
        raise TokenError(f"Token #{token.id} sudah dicabut sebelumnya.")
    token.revoked_at = utcnow()
    return _recorded(db_session, "api.token_revoke", token, token.user, actor)


def _recorded(
    db_session: Session, action: str, token: ApiToken, user: User, actor: object
) -> ApiToken:
    """Flush the change to ``token`` and write its audit entry (never the token itself)."""
    db_session.flush()
    details = {"user": user.username, "name": token.name}
    audit.record(
        db_session,
        action,
        actor=actor,
        object_type="api_token",
        object_id=token.id,
        details=details,
    )
    return token


def tokens_of(db_session: Session, user: User) -> list[ApiToken]:
    return list(
        db_session.execute(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        ).scalars()
    )


def find_token(db_session: Session, plain: str) -> ApiToken | None:
    """The token row for ``plain`` (revoked or not), with its user and their offices loaded."""
    return db_session.execute(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == hash_token(plain))
        .options(
            selectinload(ApiToken.user)
            .selectinload(User.holdings)
            .selectinload(OfficeHolder.office)
        )
    ).scalar_one_or_none()
