"""Private keys at rest: only encrypted, unlocked only by the right passphrase."""

from __future__ import annotations

import struct
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from signing.pki.errors import PkiError, WrongPassphrase
from signing.pki.keystore import (
    DEFAULT_KDF,
    KdfParams,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    read_kdf_params,
)

from .ca_fixtures import CHEAP_KDF

PASSPHRASE = "kuda-lari-di-sungai-kahayan"
CHEAP_SCRYPT = KdfParams(algorithm="scrypt", scrypt_log2_n=10, scrypt_r=8)


def _der(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="module")
def rsa_key():
    return generate_private_key("rsa2048")


@pytest.fixture(scope="module")
def blob(rsa_key) -> bytes:
    return encrypt_private_key(rsa_key, PASSPHRASE, kdf=CHEAP_KDF)


@pytest.mark.parametrize("kind", ["rsa2048", "p256"])
@pytest.mark.parametrize("kdf", [CHEAP_KDF, CHEAP_SCRYPT], ids=["argon2id", "scrypt"])
def test_round_trip_gives_back_the_same_key(kind, kdf):
    key = generate_private_key(kind)
    blob = encrypt_private_key(key, PASSPHRASE, kdf=kdf)
    unlocked = decrypt_private_key(blob, PASSPHRASE)
    assert _der(unlocked) == _der(key)
    assert isinstance(
        unlocked, rsa.RSAPrivateKey if kind.startswith("rsa") else ec.EllipticCurvePrivateKey
    )
    assert read_kdf_params(blob) == kdf


def test_blob_holds_no_private_key_material_in_clear(rsa_key, blob):
    assert _der(rsa_key) not in blob
    numbers = rsa_key.private_numbers()
    for secret in (numbers.d, numbers.p, numbers.q):
        raw = secret.to_bytes((secret.bit_length() + 7) // 8, "big")
        assert raw[:32] not in blob
    assert b"PRIVATE KEY" not in blob


def test_two_encryptions_of_one_key_differ(rsa_key):
    # fresh salt and nonce each time: equal blobs would reveal equal keys
    a = encrypt_private_key(rsa_key, PASSPHRASE, kdf=CHEAP_KDF)
    b = encrypt_private_key(rsa_key, PASSPHRASE, kdf=CHEAP_KDF)
    assert a != b


def test_wrong_passphrase_is_refused(blob):
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(blob, PASSPHRASE + "x")
    assert issubclass(WrongPassphrase, PkiError)


def test_every_flipped_byte_fails_to_unlock(blob):
    header_len = 5 + 1 + 1 + 12 + 1 + 16 + 12
    positions = list(range(header_len)) + list(range(header_len, len(blob), 7))
    positions.append(len(blob) - 1)  # inside the GCM tag
    for pos in positions:
        tampered = bytearray(blob)
        tampered[pos] ^= 0x01
        with pytest.raises(WrongPassphrase):
            decrypt_private_key(bytes(tampered), PASSPHRASE)


@pytest.mark.parametrize("cut", [0, 4, 20, 60, -1])
def test_truncated_or_garbage_blob_is_refused(blob, cut):
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(blob[:cut], PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(b"not a key blob at all", PASSPHRASE)


def test_tampered_kdf_cost_is_refused_before_deriving(blob):
    # a header claiming 4 GiB of memory must not make the server try
    tampered = bytearray(blob)
    struct.pack_into(">I", tampered, 11, 4 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(WrongPassphrase):
        decrypt_private_key(bytes(tampered), PASSPHRASE)
    assert read_kdf_params(blob).memory_kib == CHEAP_KDF.memory_kib
    assert time.perf_counter() - started < 5


def test_passphrase_is_unicode_normalised(rsa_key):
    composed, decomposed = "rahasia-\u00e9", "rahasia-e\u0301"
    blob = encrypt_private_key(rsa_key, composed, kdf=CHEAP_KDF)
    assert _der(decrypt_private_key(blob, decomposed)) == _der(rsa_key)


def test_empty_passphrase_is_refused(rsa_key):
    with pytest.raises(PkiError):
        encrypt_private_key(rsa_key, "", kdf=CHEAP_KDF)


def test_default_kdf_is_memory_hard():
    assert DEFAULT_KDF.algorithm == "argon2id"
    assert DEFAULT_KDF.memory_kib >= 64 * 1024
    assert DEFAULT_KDF.time_cost >= 2
