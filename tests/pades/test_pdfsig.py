"""Cross-check with poppler's pdfsig (NSS): every signature valid and trusted.

pdfsig checks the cryptography and the certificate only (it calls a shadow-edited
file valid), so it complements pyHanko's verdict and never replaces it.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ACTS
from .pdf_helpers import pdfsig_blocks

pytestmark = pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("certutil") is None,
    reason="pdfsig (poppler-utils) or certutil (libnss3-tools) is not installed",
)


def test_pdfsig_finds_every_signature_valid_and_trusted(completed_pdf, nss_db, tmp_path):
    path = tmp_path / "komitmen.pdf"
    path.write_bytes(completed_pdf)
    blocks = pdfsig_blocks(path, nss_db)
    signatures = {
        name: b for name, b in blocks.items() if b.get("Signature Type") == "ETSI.CAdES.detached"
    }
    assert set(signatures) == {"Segel", *(a[0] for a in ACTS)}
    for name, info in signatures.items():
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
