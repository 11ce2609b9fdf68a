"""Configuration defaults.

Precedence, lowest first: these defaults, ``instance/config.py``, ``SIGNING_*`` environment
variables, and finally the mapping given to :func:`signing.create_app` (tests).
"""

from __future__ import annotations

import os
from typing import Any

#: Database URL; ``None`` means a SQLite file in the instance folder.
DATABASE_URL: str | None = None
#: "development" or "production". Production refuses demo accounts.
ENV_MODE = "development"
#: Where the CA and the issuing office's seal live; ``None`` means ``<project>/certs``.
CERTS_DIR: str | None = None
#: Public base URL, used in QR codes and in the CRL URLs written into certificates.
BASE_URL = "http://127.0.0.1:5000"
#: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
#: (the client IP matters for throttling and the audit trail). 0: none.
TRUSTED_PROXIES = 0
#: Rate-limit storage: "memory://" for one process, "redis://..." for several workers.
RATELIMIT_STORAGE_URI = "memory://"
#: Flask-Limiter's switch, said explicitly: its one Limiter object otherwise carries an app's
#: False into every app created after it in the same process.
RATELIMIT_ENABLED = True
#: Failed logins refused (429) per address, and per account from one address. An account as a
#: whole is never refused: after LOGIN_SLOWDOWN_AFTER failures within the window every attempt
#: for it waits 1, 2, 4 ... seconds (at most LOGIN_SLOWDOWN_MAX_SECONDS) before the check.
LOGIN_LIMIT_PER_IP = "20 per minute"
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute"
LOGIN_SLOWDOWN_AFTER = 5
LOGIN_SLOWDOWN_WINDOW_SECONDS = 900
LOGIN_SLOWDOWN_MAX_SECONDS = 8
#: Argon2id cost of login password hashes: argon2-cffi's RFC 9106 low-memory profile (3 passes
#: over 64 MiB, 4 lanes). The tests use the minimum where a test is not about this cost.
PASSWORD_HASH_TIME_COST = 3
PASSWORD_HASH_MEMORY_KIB = 65536
#: The audit chain gets a checkpoint signed with the office seal with every act, and when the
#: last one is older than this many seconds at the next audit entry.
AUDIT_CHECKPOINT_SECONDS = 60
#: Wrong signing passphrases within the window that lock signing for the window (minutes);
#: counted in the database, so every worker sees the same count.
PASSPHRASE_MAX_FAILURES = 5
PASSPHRASE_LOCK_MINUTES = 15
#: Request-rate limit on the pages that take a passphrase (on top of the lock above).
PASSPHRASE_LIMIT = "5 per minute"
VERIFY_LIMIT_PER_IP = "30 per minute"
#: Bounds of one verification: it runs in a child process with these limits.
VERIFY_TIMEOUT_SECONDS = 15
VERIFY_MEMORY_MB = 768
VERIFY_CONCURRENCY = 4
VERIFY_QUEUE_SECONDS = 10
#: Verifications in flight at once from one client address (more: 429 at once).
VERIFY_CONCURRENCY_PER_IP = 2
#: Verifications in flight at once on this machine, over every web worker; None: the number
#: of cores.
VERIFY_HOST_CONCURRENCY: int | None = None
#: Whether anyone holding the QR code may download the signed original.
VERIFY_PUBLIC_DOWNLOAD = True
#: Requests per API token.
API_LIMIT_PER_TOKEN = "120 per minute"
#: Requests refused for an unknown or malformed API token, per client address.
API_LIMIT_BAD_TOKEN_PER_IP = "20 per minute"
#: How long an official's turn on the shared signing desk stays usable (seconds); the server
#: holds the deadline, and "Tambah waktu" restarts it from the moment it is pressed.
DESK_GRANT_SECONDS = 300
#: How long before that deadline the desk warns, visibly and to screen readers (seconds).
DESK_WARN_SECONDS = 60
#: How many times one official may press "Tambah waktu" in one turn.
DESK_MAX_EXTENSIONS = 3
#: Officials' keys and certificates.
SIGNING_KEY_KIND = "rsa2048"
SIGNING_CERT_DAYS = 730
#: Uploads larger than this are refused before they are read.
MAX_CONTENT_LENGTH = 20 * 1024 * 1024
BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
LANGUAGES = ("id", "en")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False  # switched on when PREFERRED_URL_SCHEME is https
SESSION_COOKIE_NAME = "signing_session"
PERMANENT_SESSION_LIFETIME = 8 * 3600
WTF_CSRF_TIME_LIMIT = 8 * 3600
#: SMTP for notifications, used by ``signing notifications deliver`` (never by a request);
#: with no host the worker writes each mail to its log instead.
MAIL_HOST: str | None = None
MAIL_PORT = 25
MAIL_FROM = "noreply@dpmptsp.kalteng.invalid"
MAIL_USERNAME: str | None = None
MAIL_PASSWORD: str | None = None
MAIL_STARTTLS = False
MAIL_TIMEOUT = 10
#: Outbox retries: a mail that fails is tried again after MAIL_RETRY_SECONDS, doubling each
#: time up to MAIL_RETRY_MAX_SECONDS, and given up (status failed, an audit entry) after
#: MAIL_MAX_ATTEMPTS attempts: with these defaults about two hours of SMTP outage are bridged.
MAIL_MAX_ATTEMPTS = 8
MAIL_RETRY_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 3600
#: How often ``signing notifications deliver --follow`` looks for new mail.
MAIL_POLL_SECONDS = 5
#: External RFC 3161 time-stamping URL; ``None`` uses the internal TSA.
TSA_URL: str | None = None
#: Passphrase of the CA's online keys in the file backend; ``None``: instance/ca_passphrase,
#: made on first use. Independent of SECRET_KEY (a CA made before key custody is still opened
#: with the SECRET_KEY-derived passphrase until ``signing ca migrate-custody``).
CA_PASSPHRASE: str | None = None
#: PKCS#11 backend of the CA's online keys (issuing CA, TSA, seal): module path, token label,
#: user PIN. With a module set, the keys are generated in the token and never leave it.
CA_PKCS11_MODULE: str | None = None
CA_PKCS11_TOKEN: str | None = None
CA_PKCS11_PIN: str | None = None
#: Name of the issuing institution, written into certificates and on documents.
INSTITUTION = "DPMPTSP Provinsi Kalimantan Tengah"
PROVINCE_CODE = "62"


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Collect ``SIGNING_*`` variables, converted to the type of the default they override."""
    environ = os.environ if environ is None else environ
    defaults = {k: v for k, v in globals().items() if k.isupper()}
    result: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith("SIGNING_") or key in _NOT_CONFIG:
            continue
        name = key.removeprefix("SIGNING_")
        default = defaults.get(name)
        if isinstance(default, bool):
            result[name] = raw.strip().lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            result[name] = int(raw)
        elif isinstance(default, tuple):
            result[name] = tuple(part.strip() for part in raw.split(",") if part.strip())
        else:
            result[name] = raw
    return result


#: Variables that steer tools rather than the app.
_NOT_CONFIG = {"SIGNING_TEST_DATABASE_URL", "SIGNING_DEMO_PASSWORD", "SIGNING_DEMO_PASSPHRASE"}
