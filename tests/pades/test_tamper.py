"""Every kind of tampering gets the right verdict."""

from __future__ import annotations

import datetime as dt

import pytest

from signing.pades.sign import ActKind, Appearance, apply_act, make_validation_context
from signing.pades.verify import verify_pdf
from signing.pki.ca import build_crl, check_certificate_usable
from signing.pki.errors import CertificateNotUsable
from signing.pki.tsa import make_timestamper

from ..pki.ca_fixtures import make_test_ca
from .conftest import SIGNED_AT, make_official
from .pdf_helpers import TITLE, add_visible_text, flip_byte


def _verify(ca, pdf, crls=None):
    return verify_pdf(
        pdf, trust_roots=ca.trust_roots, crls=ca.read_crls() if crls is None else crls
    )


def test_flipped_byte_in_signed_content_breaks_every_signature(ca, completed_pdf):
    offset = completed_pdf.index(TITLE) + 3  # inside the first revision's page content
    report = _verify(ca, flip_byte(completed_pdf, offset))
    assert not report.valid
    if report.error is None:  # pyHanko may also refuse to read it at all
        assert report.signatures
        assert not any(s.intact for s in report.signatures)
        assert not any(s.bottom_line for s in report.signatures)


def test_unsigned_update_with_visible_text_is_invalid_although_intact(ca, completed_pdf):
    tampered = add_visible_text(completed_pdf)
    report = _verify(ca, tampered)
    assert report.error is None
    assert not report.valid
    regular = report.regular_signatures
    # the trap docs/design.md describes: the cryptography alone still checks out
    assert all(s.intact and s.trusted for s in regular)
    assert all(s.modification_level == "OTHER" for s in report.signatures)
    assert not any(s.bottom_line for s in report.signatures)
    assert report.problems


def test_certificate_from_a_foreign_ca_is_untrusted(ca, tmp_path, sealed_pdf, make_vc):
    foreign = make_test_ca(tmp_path / "asing", organisation="CA Asing")
    intruder = make_official(foreign, "Penyusup", "Bukan Pejabat")
    # signed against the foreign CA's own context: ours refuses it (checked below)
    foreign_vc = make_validation_context(foreign.trust_roots, foreign.read_crls())
    pdf = apply_act(
        sealed_pdf,
        field_name="ttd_gubernur",
        kind=ActKind.SIGN,
        signer=intruder.signer(foreign),
        appearance=Appearance(intruder.name, intruder.office, None, SIGNED_AT),
        timestamper=make_timestamper(foreign),
        validation_context=foreign_vc,
    )
    report = _verify(ca, pdf)
    assert report.error is None
    assert not report.valid
    intruder_sig = report.signatures[-1]
    assert intruder_sig.field_name == "ttd_gubernur"
    assert intruder_sig.intact and not intruder_sig.trusted and not intruder_sig.bottom_line
    assert report.signatures[0].bottom_line  # the seal itself is still fine
    # and our own signing path refuses the foreign certificate outright
    with pytest.raises(CertificateNotUsable):
        apply_act(
            sealed_pdf,
            field_name="ttd_gubernur",
            kind=ActKind.SIGN,
            signer=intruder.signer(foreign),
            appearance=None,
            timestamper=make_timestamper(foreign),
            validation_context=make_vc(),
        )


def test_certificate_revoked_after_signing_makes_its_signature_invalid(
    ca, sealed_pdf, timestamper, make_vc
):
    official = make_official(ca, "Pejabat Dicabut", "Bupati Demo")
    pdf = apply_act(
        sealed_pdf,
        field_name="ttd_bupati",
        kind=ActKind.SIGN,
        signer=official.signer(ca),
        appearance=Appearance(official.name, official.office, None, SIGNED_AT),
        timestamper=timestamper,
        validation_context=make_vc(),
    )
    assert _verify(ca, pdf).valid
    now = dt.datetime.now(dt.UTC)
    crls = [
        build_crl(ca, "root", []),
        build_crl(ca, "issuing", [(official.cert.serial_number, now, "key_compromise")]),
    ]
    # the DSS still holds the older CRL without the entry: the newer one must win
    report = _verify(ca, pdf, crls)
    assert not report.valid
    sig = report.signatures[-1]
    assert sig.revoked and not sig.trusted and not sig.bottom_line
    assert "dicabut" in sig.problem
    assert report.signatures[0].bottom_line  # the seal's certificate is not revoked


def test_revoked_certificate_is_refused_before_signing(ca, sealed_pdf, timestamper, make_vc):
    official = make_official(ca, "Pejabat Lama", "Ketua DPRD Demo")
    now = dt.datetime.now(dt.UTC)
    crls = [
        build_crl(ca, "root", []),
        build_crl(ca, "issuing", [(official.cert.serial_number, now, "affiliation_changed")]),
    ]
    with pytest.raises(CertificateNotUsable):
        check_certificate_usable(official.cert, crls)
    with pytest.raises(CertificateNotUsable):
        apply_act(
            sealed_pdf,
            field_name="ttd_ketua_dprd",
            kind=ActKind.SIGN,
            signer=official.signer(ca),
            appearance=None,
            timestamper=timestamper,
            validation_context=make_vc(crls),
        )


@pytest.mark.parametrize(
    ("reason", "stays_valid"),
    [("superseded", True), ("affiliation_changed", True), ("key_compromise", False), (None, False)],
)
def test_revocation_after_a_time_stamped_signature_depends_on_the_reason(
    ca, sealed_pdf, timestamper, make_vc, reason, stays_valid
):
    """Leaving office or re-enrolling keeps earlier signatures valid; key compromise does not."""
    official = make_official(ca, f"Pejabat {reason}", "Bupati Demo")
    pdf = apply_act(
        sealed_pdf,
        field_name="ttd_bupati",
        kind=ActKind.SIGN,
        signer=official.signer(ca),
        appearance=Appearance(official.name, official.office, None, SIGNED_AT),
        timestamper=timestamper,
        validation_context=make_vc(),
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    crls = [
        build_crl(ca, "root", []),
        build_crl(ca, "issuing", [(official.cert.serial_number, later, reason)]),
    ]
    report = _verify(ca, pdf, crls)
    assert report.valid is stays_valid
    assert report.signatures[-1].bottom_line is stays_valid
