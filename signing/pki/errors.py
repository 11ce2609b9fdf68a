"""Errors of the PKI layer (CA, key store, certificates).

An error that refuses an act names its entry of the refusal catalogue
(:mod:`signing.workflow.refusals`): ``WrongPassphrase(refusal="wrong_passphrase_remaining",
remaining=2)``. Its text (``str(error)``) is that entry's Indonesian message; ``error.refused()``
is the :class:`~signing.workflow.rules.WorkflowRefused` an act answers with. Errors of the CA's
administration carry free Indonesian text (shown as it is by the command line).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signing.db import utcnow
from signing.workflow.refusals import CarriesRefusal


class PkiError(CarriesRefusal):
    """Base class of every error raised by :mod:`signing.pki`."""


class WrongPassphrase(PkiError):
    """The passphrase does not open the key, or the encrypted key was altered.

    Both cases are one error on purpose: telling them apart would help an attacker
    who tampers with stored blobs.
    """

    refusal = "wrong_passphrase"


class CertificateNotUsable(PkiError):
    """The certificate is revoked, expired or not yet valid: no signature may be made."""

    refusal = "certificate_unvalidated"


class CaExists(PkiError):
    """The CA directory already holds (part of) a CA that cannot be reused."""


class CaMissing(PkiError):
    """The app's CA has not been created yet."""

    refusal = "ca_missing"

    def __init__(self, certs_dir: str | Path) -> None:
        super().__init__(certs_dir=str(certs_dir))


class NotEnrolled(PkiError):
    refusal = "not_enrolled"


class NotAnOfficial(PkiError):
    """Only an account that holds an office receives a signing certificate."""

    refusal = "not_an_official"


class PassphraseRejected(PkiError):
    """A new passphrase that does not meet the rules (length, differs from the login password)."""

    refusal = "passphrase_too_short"


class PassphraseLocked(PkiError):
    """Too many wrong passphrases: attempts are refused until ``until``."""

    refusal = "locked"

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
        wib = until.astimezone(dt.timezone(dt.timedelta(hours=7)))
        super().__init__(minutes=minutes, time=f"{wib:%H:%M}")
