"""The public PKI page and the CPS: a reader learns how to trust the root, without logging in."""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from signing.pki import service
from signing.pki.ca import CERTIFICATE_POLICY_OID


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_fingerprint_on_the_pki_page_is_the_root_certificates(app):
    client = app.test_client()
    page = _text(client.get("/pki/"))
    shown = re.search(r'id="sidik-jari-sha256">([0-9A-F:]+)<', page).group(1)
    downloaded = x509.load_der_x509_certificate(client.get("/pki/root.crt").data)
    with app.app_context():
        root = service.get_ca().root_cert
    assert downloaded == root
    assert shown == root.fingerprint(hashes.SHA256()).hex(":").upper()
    assert len(shown) == 32 * 3 - 1
    sha1 = re.search(r'id="sidik-jari-sha1">([0-9A-F:]+)<', page).group(1)
    assert sha1 == root.fingerprint(hashes.SHA1()).hex(":").upper()  # noqa: S303
    assert 'href="/pki/root.crt"' in page and 'href="/pki/cps"' in page
    for reader in ("Adobe Acrobat", "Trusted Certificates", "certutil -d sql:", "pdfsig -nssdir"):
        assert reader in page
    assert "Trusted Root Certification Authorities" in page


def test_the_cps_is_served_in_indonesian_at_the_url_every_certificate_names(app):
    page = _text(app.test_client().get("/pki/cps"))
    assert CERTIFICATE_POLICY_OID.dotted_string in page
    assert "tidak tersertifikasi" in page and "BSrE" in page
    assert "Pemeriksaan identitas" in page
    with app.app_context():
        seal = service.get_ca().seal_cert
    (policy,) = seal.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert policy.policy_qualifiers == ["http://signing.test/pki/cps"]


def test_the_pki_page_in_english(app):
    client = app.test_client()
    client.get("/pki/")
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = _text(client.get("/pki/"))
    assert "Root certificate and how to trust it" in page
    assert "SHA-256 fingerprint" in page
