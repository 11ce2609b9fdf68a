"""Failed logins slow an account down; they never lock its owner out.

Refusing outright is left to the per-address limits (Flask-Limiter, in the login view): per
address, and per account *and* address. The account as a whole only gets slower: after
``LOGIN_SLOWDOWN_AFTER`` failures within ``LOGIN_SLOWDOWN_WINDOW_SECONDS`` every attempt for it
waits a delay that doubles with each further failure, up to ``LOGIN_SLOWDOWN_MAX_SECONDS``. An
attacker guessing from many addresses is slowed to a crawl; the owner, from another address,
waits a few seconds and logs in.

The failure count lives in the rate-limit storage (memory for one process, Redis for several
workers), so every worker sees the same count. The wait goes through ``app.extensions
["signing.sleep"]`` (``time.sleep`` unless a test puts a recorder there).
"""

from __future__ import annotations

import time

from flask import current_app

from signing.extensions import limiter

SLEEP_EXTENSION = "signing.sleep"


def _key(username: str) -> str:
    return "login-slowdown:" + normalised(username)


def normalised(username: str) -> str:
    """The account a submitted name means, as :func:`operations.authenticate` reads it."""
    return username.strip().lower()[:80]


def delay_for_failures(failures: int, *, free: int, max_seconds: float) -> float:
    """Seconds to wait before checking a password: 0 for the first ``free`` failures, then 1,
    2, 4, ... seconds, never more than ``max_seconds``."""
    if failures < free:
        return 0.0
    return float(min(max_seconds, 2 ** min(failures - free, 30)))


def recent_failures(username: str) -> int:
    # RATELIMIT_ENABLED = False (Flask-Limiter's switch) leaves no storage to count in: the
    # slowdown is off with the limits, not a failed login page.
    if not limiter.enabled:
        return 0
    return int(limiter.storage.get(_key(username)))


def account_delay(username: str) -> float:
    config = current_app.config
    return delay_for_failures(
        recent_failures(username),
        free=config["LOGIN_SLOWDOWN_AFTER"],
        max_seconds=config["LOGIN_SLOWDOWN_MAX_SECONDS"],
    )


def wait_for_account(username: str) -> float:
    """Wait the account's current delay (before the password is checked); returns it."""
    delay = account_delay(username)
    if delay > 0:
        current_app.extensions.get(SLEEP_EXTENSION, time.sleep)(delay)
    return delay


def note_failure(username: str) -> None:
    if not limiter.enabled:
        return
    limiter.storage.incr(_key(username), current_app.config["LOGIN_SLOWDOWN_WINDOW_SECONDS"])
