"""Cross-check with poppler's pdfsig (NSS): every signature valid and trusted.

pdfsig checks the cryptography and the certificate only (it calls a shadow-edited
file valid), so it complements pyHanko's verdict and never replaces it.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from .conftest import ACTS

pytestmark = pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("certutil") is None,
    reason="pdfsig (poppler-utils) or certutil (libnss3-tools) is not installed",
)


@pytest.fixture(scope="module")
def nss_db(ca, tmp_path_factory) -> str:
    """A temporary NSS database trusting only the test CA's root."""
    directory = tmp_path_factory.mktemp("nss")
    root = directory / "root.pem"
    root.write_bytes(ca.root_cert.public_bytes(serialization.Encoding.PEM))
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "signing-test-root", "-t", "CT,C,C", "-i", str(root)],
        check=True,
    )
    return db


def pdfsig_blocks(path, nss_db: str) -> dict[str, dict[str, str]]:
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    blocks: dict[str, dict[str, str]] = {}
    for chunk in re.split(r"^Signature #\d+:\s*$", result.stdout, flags=re.M)[1:]:
        info = dict(re.findall(r"^[ \t]*- ([^:\n]+): (.*)$", chunk, flags=re.M))
        blocks[info["Signature Field Name"]] = info
    return blocks


def test_pdfsig_finds_every_signature_valid_and_trusted(completed_pdf, nss_db, tmp_path):
    path = tmp_path / "komitmen.pdf"
    path.write_bytes(completed_pdf)
    blocks = pdfsig_blocks(path, nss_db)
    signatures = {name: b for name, b in blocks.items() if b["Signature Type"] != "unknown"}
    assert set(signatures) == {"Segel", *(a[0] for a in ACTS)}
    for name, info in signatures.items():
        assert info["Signature Type"] == "ETSI.CAdES.detached", name
        assert info["Signature Validation"] == "Signature is Valid.", name
        assert info["Certificate Validation"] == "Certificate is Trusted.", name


def test_pdfsig_does_not_trust_without_the_root(completed_pdf, tmp_path):
    empty = tmp_path / "nss-kosong"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{empty}", "--empty-password"], check=True)
    path = tmp_path / "komitmen.pdf"
    path.write_bytes(completed_pdf)
    blocks = pdfsig_blocks(path, f"sql:{empty}")
    assert blocks["ttd_gubernur"]["Signature Validation"] == "Signature is Valid."
    assert blocks["ttd_gubernur"]["Certificate Validation"] != "Certificate is Trusted."
