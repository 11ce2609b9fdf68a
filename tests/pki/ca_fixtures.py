"""A throwaway CA for tests (never the keys in certs/), with cheap KDF parameters."""

from __future__ import annotations

from pathlib import Path

from signing.pki.ca import CertificateAuthority, init_ca
from signing.pki.keystore import KdfParams

BASE_URL = "http://signing.test"
CA_PASSPHRASE = b"frasa-sandi-ca-uji"
#: Argon2id at 1 MiB / 1 pass: the format is the same, the cost negligible.
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=1024)


def make_test_ca(
    directory: Path, organisation: str = "DPMPTSP Provinsi Uji"
) -> CertificateAuthority:
    return init_ca(
        directory,
        CA_PASSPHRASE,
        organisation=organisation,
        base_url=BASE_URL,
        seal_office=f"{organisation} (segel)",
        kdf=CHEAP_KDF,
        root_key_kind="rsa2048",
    )
