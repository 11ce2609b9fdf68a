"""Fixtures of the integration tests: the app with a throwaway CA and cheap key derivation.

The CA is made once per session (RSA key generation is the slow part) and copied into each
test's own CERTS_DIR, so a test that writes CRLs or re-initialises sees only its own files.
Never the keys in certs/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from signing.pki.ca import init_ca
from signing.pki.keystore import KdfParams

from ..conftest import make_test_app

BASE_URL = "http://signing.test"
INSTITUTION = "DPMPTSP Provinsi Kalimantan Tengah"
CA_PASSPHRASE = "frasa-sandi-ca-uji-integrasi"
#: Argon2id at 1 MiB, one pass: the same blob format, negligible cost.
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=1024)
SIGNING_PASSPHRASE = "frasa-sandi-tanda-tangan"


def pki_config(certs_dir: Path, **overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "CERTS_DIR": str(certs_dir),
        "CA_PASSPHRASE": CA_PASSPHRASE,
        "KDF_PARAMS": CHEAP_KDF,
        "BASE_URL": BASE_URL,
        "INSTITUTION": INSTITUTION,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def session_ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("integration-ca") / "certs"
    init_ca(
        directory,
        CA_PASSPHRASE,
        organisation=INSTITUTION,
        base_url=BASE_URL,
        seal_office=INSTITUTION,
        kdf=CHEAP_KDF,
        root_key_kind="rsa2048",
    )
    return directory


@pytest.fixture()
def certs_dir(session_ca_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "certs"
    shutil.copytree(session_ca_dir, target)
    return target


@pytest.fixture()
def app(tmp_path: Path, database_url: str, certs_dir: Path) -> Iterator[Flask]:
    """The app (no context pushed) with the test CA; see tests/conftest.py."""
    app = make_test_app(tmp_path, database_url, **pki_config(certs_dir))
    yield app
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def second_app(tmp_path: Path, database_url: str, certs_dir: Path) -> Iterator[Flask]:
    """Another app instance on the same database and CA: a second worker process stands in."""
    app = make_test_app(tmp_path / "second", database_url, **pki_config(certs_dir))
    yield app
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for calling operations directly (not around client requests)."""
    with app.app_context():
        yield app


@pytest.fixture()
def demo_event(kalteng):  # type: ignore[no-untyped-def]
    return kalteng["event"]
