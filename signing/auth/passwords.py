"""Password hashing with Argon2id (memory-hard), via argon2-cffi.

The cost is app configuration (``PASSWORD_HASH_TIME_COST``, ``PASSWORD_HASH_MEMORY_KIB``), read
from the current app when there is one; the defaults otherwise. Checking a hash costs what the
hash was made with (its parameters are written in it); a hash made with other parameters than
the configured ones is replaced at the next login (see ``needs_rehash``).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

from signing import config


@cache
def _hasher_with(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _hasher() -> PasswordHasher:
    settings = current_app.config if has_app_context() else {}
    return _hasher_with(
        int(settings.get("PASSWORD_HASH_TIME_COST", config.PASSWORD_HASH_TIME_COST)),
        int(settings.get("PASSWORD_HASH_MEMORY_KIB", config.PASSWORD_HASH_MEMORY_KIB)),
    )


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the account does not exist, so timing does not reveal which it
    was (made with the configured cost, once per process)."""
    return hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return (
            hasher.verify(password_hash or _dummy_hash(hasher), password)
            and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
