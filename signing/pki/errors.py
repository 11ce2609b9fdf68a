"""Errors of the PKI layer (CA, key store, certificates).

Messages are Indonesian because views show them to users as they are.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signing.db import utcnow


class PkiError(Exception):
    """Base class of every error raised by :mod:`signing.pki`."""


class WrongPassphrase(PkiError):
    """The passphrase does not open the key, or the encrypted key was altered.

    Both cases are one error on purpose: telling them apart would help an attacker
    who tampers with stored blobs.
    """

    def __init__(self, message: str = "Frasa sandi penandatanganan salah.") -> None:
        super().__init__(message)


class CertificateNotUsable(PkiError):
    """The certificate is revoked, expired or not yet valid: no signature may be made."""


class CaExists(PkiError):
    """The CA directory already holds (part of) a CA that cannot be reused."""


class CaMissing(PkiError):
    """The app's CA has not been created yet."""

    def __init__(self, certs_dir: str | Path) -> None:
        super().__init__(
            f"CA aplikasi belum dibuat di {certs_dir}. "
            "Jalankan: signing ca init (atau signing demo)."
        )


class NotEnrolled(PkiError):
    def __init__(self, message: str = "Anda belum mendaftarkan kunci tanda tangan.") -> None:
        super().__init__(message)


class NotAnOfficial(PkiError):
    """Only an account that holds an office receives a signing certificate."""


class PassphraseRejected(PkiError):
    """A new passphrase that does not meet the rules (length, differs from the login password)."""


class PassphraseLocked(PkiError):
    """Too many wrong passphrases: attempts are refused until ``until``."""

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
        super().__init__(
            "Terlalu banyak percobaan frasa sandi yang salah. "
            f"Coba lagi dalam {minutes} menit (pukul {_wib(until):%H:%M} WIB)."
        )


def _wib(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=7)))
