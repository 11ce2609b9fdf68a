"""A commitment through seal, paraf, three signatures, two witnesses and B-LTA."""

from __future__ import annotations

from io import BytesIO

import pytest
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature

from signing.pades.errors import FieldAlreadySigned, FieldMissing
from signing.pades.sign import ActKind, Appearance, apply_act, default_reason, seal_document
from signing.pades.signers import InternalKeySigner
from signing.pades.verify import signed_field_names, verify_pdf

from .conftest import ACTS, SIGNED_AT
from .pdf_helpers import FIELDS


def test_completed_commitment_is_valid_trusted_and_lta(ca, completed_pdf):
    report = verify_pdf(completed_pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.error is None
    assert report.problems == ()
    assert report.valid
    assert report.has_lta
    regular = report.regular_signatures
    assert [s.field_name for s in regular] == ["Segel"] + [a[0] for a in ACTS]
    for sig in report.signatures:
        assert sig.intact and sig.trusted and not sig.revoked and sig.bottom_line, sig
    for sig in regular:
        assert sig.timestamp_time is not None  # RFC 3161 signature time stamp
        assert sig.docmdp_ok
    assert report.signatures[-1].is_document_timestamp
    assert report.revision_count == 1 + 1 + len(ACTS) + 1


def test_each_act_is_judged_valid_by_pyhanko_itself(ca, completed_pdf, make_vc):
    reader = PdfFileReader(BytesIO(completed_pdf))
    regular = [
        s for s in reader.embedded_signatures if s.sig_object.get("/Type") != "/DocTimeStamp"
    ]
    assert len(regular) == 1 + len(ACTS)
    for emb in regular:
        vc = make_vc()
        status = validate_pdf_signature(emb, vc, vc)
        assert status.bottom_line, status.pretty_print_details()


def test_seal_is_a_fill_forms_certification(ca, completed_pdf):
    reader = PdfFileReader(BytesIO(completed_pdf))
    seal = reader.embedded_signatures[0]
    assert seal.field_name == "Segel"
    assert seal.docmdp_level == MDPPerm.FILL_FORMS
    report = verify_pdf(completed_pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.signatures[0].is_certification
    seal_cn = ca.seal_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert report.signatures[0].signer_name == seal_cn
    assert not any(s.is_certification for s in report.signatures[1:])


def test_reason_location_and_signer_are_recorded(ca, completed_pdf):
    report = verify_pdf(completed_pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    by_field = {s.field_name: s for s in report.signatures}
    for field, kind, name, office, _cap, _key in ACTS:
        sig = by_field[field]
        assert sig.reason == default_reason(kind)
        assert sig.location == "Palangka Raya"
        assert sig.signer_name == name
        assert sig.signer_office == office
    assert by_field["paraf_bupati"].reason == "Paraf"
    assert by_field["ttd_gubernur"].reason == "Menandatangani komitmen"
    assert by_field["saksi_wakil_gubernur"].reason.startswith("Saksi")


def test_revocation_data_is_embedded_in_the_dss(signed_pdf):
    dss = DocumentSecurityStore.read_dss(PdfFileReader(BytesIO(signed_pdf)))
    assert len(dss.crls) >= 2  # root CRL and issuing CRL


def test_without_document_timestamp_there_is_no_lta(ca, signed_pdf):
    report = verify_pdf(signed_pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.valid
    assert not report.has_lta


def test_signed_field_names(signed_pdf, sealed_pdf):
    assert signed_field_names(sealed_pdf) == {"Segel"}
    assert signed_field_names(signed_pdf) == {"Segel", *FIELDS}
    assert signed_field_names(b"bukan pdf") == set()


def test_signing_a_filled_field_is_refused(ca, signed_pdf, officials, timestamper, make_vc):
    with pytest.raises(FieldAlreadySigned):
        apply_act(
            signed_pdf,
            field_name="ttd_gubernur",
            kind=ActKind.SIGN,
            signer=officials["ttd_gubernur"].signer(ca),
            appearance=Appearance("X", "Y", None, SIGNED_AT),
            timestamper=timestamper,
            validation_context=make_vc(),
        )


def test_signing_a_missing_field_is_refused(ca, sealed_pdf, officials, timestamper, make_vc):
    with pytest.raises(FieldMissing):
        apply_act(
            sealed_pdf,
            field_name="ttd_tidak_ada",
            kind=ActKind.SIGN,
            signer=officials["ttd_gubernur"].signer(ca),
            appearance=None,
            timestamper=timestamper,
            validation_context=make_vc(),
        )


def test_sealing_twice_is_refused(ca, sealed_pdf, timestamper, make_vc):
    signer = InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain)
    with pytest.raises(FieldAlreadySigned):
        seal_document(sealed_pdf, signer, timestamper, validation_context=make_vc())


def test_partly_signed_document_is_valid_at_every_step(
    ca, sealed_pdf, officials, timestamper, make_vc
):
    pdf = sealed_pdf
    for field, kind, name, office, capacity, _key in ACTS[:3]:
        pdf = apply_act(
            pdf,
            field_name=field,
            kind=kind,
            signer=officials[field].signer(ca),
            appearance=Appearance(name, office, capacity, SIGNED_AT),
            timestamper=timestamper,
            validation_context=make_vc(),
            embed_revocation=False,  # B-T only: also a supported mode
        )
        report = verify_pdf(pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
        assert report.valid, report.problems
