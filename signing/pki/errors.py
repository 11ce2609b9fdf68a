"""Errors of the PKI layer (CA, key store, certificates).

Messages are Indonesian because views show them to users as they are.
"""


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
