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


def _ask(client, cert, issuer, *, get: bool = False):  # type: ignore[no-untyped-def]
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.x509 import ocsp

    der = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303 - what most clients send
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    if get:
        response = client.get("/pki/ocsp/" + base64.b64encode(der).decode())
    else:
        response = client.post("/pki/ocsp", data=der, content_type="application/ocsp-request")
    assert response.status_code == 200
    assert response.mimetype == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.data)


def test_the_ocsp_responder_answers_good_then_revoked_signed_by_the_issuing_ca(
    app, db_session, kalteng
):
    from cryptography.x509 import ocsp

    from .conftest import SIGNING_PASSPHRASE
    from .helpers import user

    with app.app_context():
        record = service.enrol(
            db_session, user(db_session, "bupati-62.02"), SIGNING_PASSPHRASE, actor="uji"
        )
        db_session.commit()
        ca = service.get_ca()
        cert = service.certificate_of(record)
        issuing, seal = ca.issuing_cert, ca.seal_cert
    client = app.test_client()
    answer = _ask(client, cert, issuing)
    assert answer.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == cert.serial_number
    issuing.public_key().verify(
        answer.signature, answer.tbs_response_bytes, *_padding(issuing, answer)
    )
    assert _ask(client, seal, issuing, get=True).certificate_status is ocsp.OCSPCertStatus.GOOD
    with app.app_context():
        service.revoke(db_session, record, "key_compromise", actor="uji")
        db_session.commit()
    revoked = _ask(client, cert, issuing)
    assert revoked.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_reason is x509.ReasonFlags.key_compromise
    # Not ours, or not a request at all.
    stranger = _ask(client, issuing, issuing)  # the issuing CA itself is the root's business
    assert stranger.response_status is ocsp.OCSPResponseStatus.UNAUTHORIZED
    junk = client.post(
        "/pki/ocsp", data=b"bukan permintaan", content_type="application/ocsp-request"
    )
    assert ocsp.load_der_ocsp_response(junk.data).response_status is (
        ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    )


def _padding(issuer, answer):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric import ec, padding

    if isinstance(issuer.public_key(), ec.EllipticCurvePublicKey):
        return (ec.ECDSA(answer.signature_hash_algorithm),)
    return (padding.PKCS1v15(), answer.signature_hash_algorithm)
