"""Signature fields added to the rendered commitment, read back and signed into."""

from __future__ import annotations

import dataclasses
import datetime
import io
import subprocess

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from doc_builders import make_content
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing.documents import FieldBox, render_commitment
from signing.pades.fields import (
    ANNOT_FLAG_PRINT,
    add_signature_fields,
    list_signature_fields,
    signature_widget_flags,
)


@pytest.fixture(scope="module")
def rendered():
    return render_commitment(make_content())


@pytest.fixture(scope="module")
def with_fields(rendered):
    return add_signature_fields(rendered.pdf, rendered.fields)


def test_every_slot_has_a_field_where_its_box_was_drawn(rendered, with_fields):
    found = list_signature_fields(with_fields)
    assert [f.name for f in found] == list(make_content().field_names())
    for drawn, read in zip(rendered.fields, found, strict=True):
        assert read.name == drawn.name
        assert read.page == drawn.page
        assert read.rect == pytest.approx(drawn.rect, abs=0.01)


def test_every_widget_prints(with_fields):
    flags = signature_widget_flags(with_fields)
    assert len(flags) == 8
    for name, value in flags.items():
        assert value & ANNOT_FLAG_PRINT, name
        assert not value & 0b10, f"{name} is hidden"


def test_fields_are_one_incremental_revision_on_the_rendered_bytes(rendered, with_fields):
    assert with_fields.startswith(rendered.pdf)
    assert with_fields.count(b"%%EOF") == rendered.pdf.count(b"%%EOF") + 1
    reader = PdfFileReader(io.BytesIO(with_fields))
    assert reader.xrefs.total_revisions == 2
    assert list(reader.embedded_signatures) == []


def test_adding_fields_is_deterministic(rendered, with_fields):
    again = render_commitment(make_content())
    assert add_signature_fields(again.pdf, again.fields) == with_fields
    # The second document ID changes with the revision, as the PDF specification asks.
    first = PdfFileReader(io.BytesIO(rendered.pdf)).trailer["/ID"]
    second = PdfFileReader(io.BytesIO(with_fields)).trailer["/ID"]
    assert first[0] == second[0] and first[1] != second[1]


def test_bad_placements_are_refused(rendered, with_fields):
    box = rendered.fields[0]
    with pytest.raises(ValueError, match="duplicate"):
        add_signature_fields(rendered.pdf, [box, box])
    with pytest.raises(ValueError, match="page"):
        add_signature_fields(rendered.pdf, [dataclasses.replace(box, page=99)])
    with pytest.raises(ValueError, match="rectangle"):
        add_signature_fields(rendered.pdf, [FieldBox("x", 0, (10, 10, 10, 50))])
    with pytest.raises(ValueError):
        add_signature_fields(with_fields, [box])  # the field exists already
    with pytest.raises(ValueError):
        add_signature_fields(rendered.pdf, [])


def test_qpdf_finds_no_damage_after_fields(with_fields, qpdf, tmp_path):
    path = tmp_path / "with-fields.pdf"
    path.write_bytes(with_fields)
    out = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No syntax or stream encoding errors" in out.stdout


def _throwaway_signer() -> tuple[signers.SimpleSigner, asn1_x509.Certificate]:
    """A root and a leaf made for this test only (never keys from certs/)."""
    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Root (throwaway)")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(root_key, hashes.SHA256())
    )
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Penanda Tangan Uji")]))
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    root_asn1 = asn1_x509.Certificate.load(root.public_bytes(der))
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(leaf.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            leaf_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=None,
    )
    return signer, root_asn1


def test_a_party_signs_into_its_prepared_field(with_fields):
    signer, root = _throwaway_signer()
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(with_fields)),
        signers.PdfSignatureMetadata(field_name="ttd_kepala_daerah", reason="Tanda tangan"),
        signer=signer,
    )
    signed = out.getvalue()
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    assert embedded.field_name == "ttd_kepala_daerah"
    status = validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted
    # Signing filled the prepared field in place: no field was added or moved.
    assert list_signature_fields(signed) == list_signature_fields(with_fields)
