"""The rendered commitment (signing.documents + signing.pades.fields) through every act."""

from __future__ import annotations

import pytest

from signing.pades.fields import add_signature_fields
from signing.pades.sign import (
    ActKind,
    Appearance,
    add_document_timestamp,
    apply_act,
    seal_document,
)
from signing.pades.signers import InternalKeySigner
from signing.pades.verify import verify_pdf

from .conftest import SIGNED_AT, make_official
from .pdf_helpers import pdfsig_blocks

render = pytest.importorskip("signing.documents").render_commitment
doc_builders = pytest.importorskip("tests.documents.doc_builders")

ROUND = [
    ("paraf_kepala_daerah", ActKind.PARAF, "H.M. Taufik Mukri", "Wakil Bupati", None),
    ("ttd_gubernur", ActKind.SIGN, "Gubernur Contoh (Demo)", "Gubernur Kalimantan Tengah", None),
    (
        "ttd_kepala_daerah",
        ActKind.SIGN,
        "H.M. Taufik Mukri",
        "WAKIL BUPATI,",
        "Plt. BUPATI KOTAWARINGIN TIMUR,",
    ),
    ("ttd_ketua_dprd", ActKind.SIGN, "Dra. Rinie", "Ketua DPRD Kotawaringin Timur", None),
    ("saksi_wakil_gubernur", ActKind.WITNESS, "Wakil Gubernur (Demo)", "Wakil Gubernur", None),
    (
        "saksi_ketua_dprd_provinsi",
        ActKind.WITNESS,
        "Ketua DPRD (Demo)",
        "Ketua DPRD Provinsi",
        None,
    ),
]


@pytest.fixture(scope="module")
def real_completed(ca, timestamper, make_vc) -> bytes:
    rendered = render(doc_builders.make_content())
    pdf = add_signature_fields(rendered.pdf, rendered.fields)
    pdf = seal_document(
        pdf,
        InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain),
        timestamper,
        validation_context=make_vc(),
    )
    for field, kind, name, office, capacity in ROUND:
        official = make_official(ca, name, office)
        pdf = apply_act(
            pdf,
            field_name=field,
            kind=kind,
            signer=official.signer(ca),
            appearance=Appearance(name, office, capacity, SIGNED_AT),
            timestamper=timestamper,
            validation_context=make_vc(),
            location="Palangka Raya",
        )
    return add_document_timestamp(pdf, timestamper, make_vc())


def test_rendered_commitment_signs_and_verifies(ca, real_completed):
    report = verify_pdf(real_completed, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.valid, report.problems
    assert report.has_lta
    assert [s.field_name for s in report.regular_signatures] == ["Segel"] + [r[0] for r in ROUND]


def test_rendered_commitment_passes_pdfsig(real_completed, nss_db, tmp_path):
    path = tmp_path / "komitmen.pdf"
    path.write_bytes(real_completed)
    blocks = pdfsig_blocks(path, nss_db)
    signed = {n: b for n, b in blocks.items() if b.get("Signature Type") == "ETSI.CAdES.detached"}
    assert set(signed) == {"Segel", *(r[0] for r in ROUND)}
    for name, info in signed.items():
        assert info["Signature Validation"] == "Signature is Valid.", name
        assert info["Certificate Validation"] == "Certificate is Trusted.", name
