"""Private keys at rest: generated here, stored only encrypted under a passphrase.

Blob layout (all integers big-endian), every byte either authenticated as AES-GCM
associated data or part of the ciphertext, so any flipped byte fails to unlock::

    magic     5  b"SGKEY"
    version   1  1
    kdf       1  1 = Argon2id, 2 = scrypt
    a, b, c   3x4  Argon2id: time_cost, memory_kib, parallelism
                   scrypt:   log2(N), r, p
    salt_len  1
    salt      salt_len
    nonce     12
    ciphertext + 16-byte tag   (PKCS#8 DER of the private key)

The header (everything before the ciphertext) is the associated data: changing a
KDF parameter is detected like changing the ciphertext.
"""

from __future__ import annotations

import hashlib
import os
import struct
import unicodedata
from dataclasses import dataclass
from typing import Literal

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import PkiError, WrongPassphrase

__all__ = [
    "DEFAULT_KDF",
    "KdfParams",
    "KeyKind",
    "PrivateKey",
    "decrypt_private_key",
    "encrypt_private_key",
    "generate_private_key",
    "key_matches_certificate",
]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KeyKind = Literal["rsa2048", "rsa3072", "p256"]

_MAGIC = b"SGKEY"
_VERSION = 1
_KDF_IDS = {"argon2id": 1, "scrypt": 2}
_KDF_NAMES = {v: k for k, v in _KDF_IDS.items()}
_FIXED = struct.Struct(">5sBBIIIB")
_NONCE_LEN = 12
_SALT_LEN = 16

# Upper bounds accepted when reading a blob: a tampered header must not make the
# server spend gigabytes or minutes before the tag check rejects it.
_MAX_ARGON2_MEMORY_KIB = 1 << 20
_MAX_ARGON2_TIME = 16
_MAX_SCRYPT_LOG2_N = 20
_MAX_SCRYPT_R = 32
_MAX_PARALLELISM = 16


@dataclass(frozen=True)
class KdfParams:
    """Key derivation parameters; stored in every blob so they can change over time."""

    #: ``"argon2id"`` (default) or ``"scrypt"``.
    algorithm: Literal["argon2id", "scrypt"] = "argon2id"
    #: Argon2id passes over memory.
    time_cost: int = 2
    #: Argon2id memory in KiB (64 MiB costs ~150 ms on the reference 2-core machine).
    memory_kib: int = 65536
    #: Lanes (Argon2id) or p (scrypt).
    parallelism: int = 1
    #: scrypt: log2 of the cost N (2**15 ~ 120 ms, 32 MiB).
    scrypt_log2_n: int = 15
    #: scrypt block size r.
    scrypt_r: int = 8

    def _header_triple(self) -> tuple[int, int, int]:
        if self.algorithm == "argon2id":
            return self.time_cost, self.memory_kib, self.parallelism
        if self.algorithm == "scrypt":
            return self.scrypt_log2_n, self.scrypt_r, self.parallelism
        raise PkiError(f"KDF tidak dikenal: {self.algorithm}")

    @classmethod
    def _from_header(cls, kdf_id: int, a: int, b: int, c: int) -> KdfParams:
        name = _KDF_NAMES.get(kdf_id)
        if name == "argon2id":
            if not (1 <= a <= _MAX_ARGON2_TIME and 8 * c <= b <= _MAX_ARGON2_MEMORY_KIB):
                raise ValueError("argon2id parameters out of bounds")
            if not 1 <= c <= _MAX_PARALLELISM:
                raise ValueError("parallelism out of bounds")
            return cls("argon2id", time_cost=a, memory_kib=b, parallelism=c)
        if name == "scrypt":
            if not (1 <= a <= _MAX_SCRYPT_LOG2_N and 1 <= b <= _MAX_SCRYPT_R):
                raise ValueError("scrypt parameters out of bounds")
            if not 1 <= c <= _MAX_PARALLELISM:
                raise ValueError("parallelism out of bounds")
            return cls("scrypt", scrypt_log2_n=a, scrypt_r=b, parallelism=c)
        raise ValueError(f"unknown KDF id {kdf_id}")

    def derive(self, passphrase: bytes, salt: bytes) -> bytes:
        """Derive a 256-bit AES key from the passphrase."""
        if self.algorithm == "argon2id":
            return hash_secret_raw(
                passphrase,
                salt,
                time_cost=self.time_cost,
                memory_cost=self.memory_kib,
                parallelism=self.parallelism,
                hash_len=32,
                type=Type.ID,
            )
        n = 1 << self.scrypt_log2_n
        return hashlib.scrypt(
            passphrase,
            salt=salt,
            n=n,
            r=self.scrypt_r,
            p=self.parallelism,
            maxmem=256 * n * self.scrypt_r * self.parallelism,
            dklen=32,
        )


#: Production default: Argon2id, 64 MiB, 2 passes (~150 ms per unlock).
DEFAULT_KDF = KdfParams()


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, str):
        # NFC so that the same visible passphrase typed on different keyboards unlocks.
        return unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return bytes(passphrase)


def generate_private_key(kind: KeyKind = "rsa2048") -> PrivateKey:
    """Generate a fresh private key: RSA-2048/3072 or ECDSA P-256."""
    if kind == "rsa2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if kind == "rsa3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise PkiError(f"Jenis kunci tidak dikenal: {kind}")


def encrypt_private_key(
    key: PrivateKey, passphrase: str | bytes, *, kdf: KdfParams | None = None
) -> bytes:
    """Encrypt ``key`` under ``passphrase`` into a self-describing blob (see module doc)."""
    secret = _passphrase_bytes(passphrase)
    if not secret:
        raise PkiError("Frasa sandi tidak boleh kosong.")
    kdf = kdf or DEFAULT_KDF
    salt = os.urandom(_SALT_LEN)
    nonce = os.urandom(_NONCE_LEN)
    a, b, c = kdf._header_triple()
    header = _FIXED.pack(_MAGIC, _VERSION, _KDF_IDS[kdf.algorithm], a, b, c, len(salt))
    header += salt + nonce
    plaintext = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    ciphertext = AESGCM(kdf.derive(secret, salt)).encrypt(nonce, plaintext, header)
    return header + ciphertext


def read_kdf_params(blob: bytes) -> KdfParams:
    """The KDF parameters a blob was made with (e.g. to decide on re-encryption)."""
    return _parse(blob)[0]


def _parse(blob: bytes) -> tuple[KdfParams, bytes, bytes, bytes, bytes]:
    try:
        magic, version, kdf_id, a, b, c, salt_len = _FIXED.unpack_from(blob, 0)
        if magic != _MAGIC or version != _VERSION:
            raise ValueError("not a key blob")
        params = KdfParams._from_header(kdf_id, a, b, c)
        start = _FIXED.size
        salt = blob[start : start + salt_len]
        nonce = blob[start + salt_len : start + salt_len + _NONCE_LEN]
        header_end = start + salt_len + _NONCE_LEN
        ciphertext = blob[header_end:]
        if len(salt) != salt_len or len(nonce) != _NONCE_LEN or len(ciphertext) <= 16:
            raise ValueError("truncated")
    except (struct.error, ValueError, TypeError) as exc:
        raise WrongPassphrase(refusal="key_file_damaged") from exc
    return params, salt, nonce, bytes(blob[:header_end]), bytes(ciphertext)


def decrypt_private_key(blob: bytes, passphrase: str | bytes) -> PrivateKey:
    """Unlock a blob made by :func:`encrypt_private_key`.

    :raises WrongPassphrase: wrong passphrase, or any byte of the blob altered.
    """
    params, salt, nonce, header, ciphertext = _parse(blob)
    try:
        plaintext = AESGCM(params.derive(_passphrase_bytes(passphrase), salt)).decrypt(
            nonce, ciphertext, header
        )
    except InvalidTag as exc:
        raise WrongPassphrase() from exc
    # The GCM tag proves we wrote these bytes ourselves, so OpenSSL's RSA consistency
    # checks (~36 ms per load) add nothing here.
    key = serialization.load_der_private_key(
        plaintext, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise WrongPassphrase(refusal="key_type_unsupported")
    return key


def key_matches_certificate(key: PrivateKey, certificate) -> bool:
    """True when ``key`` is the private half of ``certificate``'s public key."""
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    return key.public_key().public_bytes(enc, fmt) == certificate.public_key().public_bytes(
        enc, fmt
    )
