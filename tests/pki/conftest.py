"""Fixtures of the PKI tests."""

from __future__ import annotations

import pytest

from signing.pki.ca import CertificateAuthority

from .ca_fixtures import make_test_ca


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return make_test_ca(tmp_path_factory.mktemp("pki") / "certs")
