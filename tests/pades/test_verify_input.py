"""Bad input to the verification service: a clear answer, never an exception."""

from __future__ import annotations

import hashlib
import random

import pytest

from signing.pades.verify import VerificationReport, verify_pdf

from .pdf_helpers import commitment_pdf, encrypted_pdf


def _verify(ca, pdf, **kw) -> VerificationReport:
    return verify_pdf(pdf, trust_roots=ca.trust_roots, crls=ca.read_crls(), **kw)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "kosong"),
        (b"GIF89a not a pdf at all", "bukan dokumen PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", ""),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20, ""),
    ],
    ids=["empty", "not-pdf", "no-xref", "binary-garbage"],
)
def test_unreadable_input_cannot_be_verified(ca, data, fragment):
    report = _verify(ca, data)
    assert not report.valid
    assert report.error is not None
    assert report.error.startswith("Tidak dapat diperiksa: ")
    assert fragment in report.error
    assert report.sha256 == hashlib.sha256(data).hexdigest()


def test_encrypted_pdf_gets_a_clear_message(ca):
    report = _verify(ca, encrypted_pdf())
    assert not report.valid
    assert "terenkripsi" in report.error


def test_oversized_upload_is_refused_before_parsing(ca, completed_pdf):
    report = _verify(ca, completed_pdf, max_bytes=1000)
    assert not report.valid
    assert "lebih besar" in report.error


def test_unsigned_pdf_is_not_valid_but_readable(ca):
    report = _verify(ca, commitment_pdf())
    assert report.error is None
    assert not report.valid
    assert report.signatures == ()
    assert "tidak memiliki tanda tangan" in report.problems[0]


def test_truncated_signed_pdf_cannot_be_verified(ca, completed_pdf):
    report = _verify(ca, completed_pdf[: len(completed_pdf) // 2])
    assert not report.valid


def test_mutated_files_never_raise(ca, completed_pdf):
    rng = random.Random(4)
    for _ in range(40):
        data = bytearray(completed_pdf)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        report = _verify(ca, bytes(data))
        assert isinstance(report, VerificationReport)
        assert report.error is None or report.error.startswith("Tidak dapat diperiksa")


def test_untrusted_roots_make_the_document_invalid(completed_pdf, tmp_path):
    from ..pki.ca_fixtures import make_test_ca

    other = make_test_ca(tmp_path / "lain", organisation="CA Lain")
    report = verify_pdf(completed_pdf, trust_roots=other.trust_roots)
    assert report.error is None
    assert not report.valid
    assert not any(s.trusted for s in report.signatures)
