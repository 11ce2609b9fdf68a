"""The application's CA: files, certificate profiles, CRLs, usability checks."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.pki.ca import (
    build_crl,
    certificate_from_bytes,
    check_certificate_usable,
    init_ca,
    issue_certificate,
    load_ca,
)
from signing.pki.errors import CaExists, CertificateNotUsable, WrongPassphrase
from signing.pki.keystore import generate_private_key, key_matches_certificate

from .ca_fixtures import BASE_URL, CA_PASSPHRASE, CHEAP_KDF, make_test_ca


def _ext(cert: x509.Certificate, cls):
    return cert.extensions.get_extension_for_class(cls)


def _crl_urls(cert: x509.Certificate) -> list[str]:
    points = _ext(cert, x509.CRLDistributionPoints).value
    return [name.value for point in points for name in point.full_name]


@pytest.fixture(scope="module")
def official(ca):
    key = generate_private_key("p256")
    cert = issue_certificate(
        ca,
        key.public_key(),
        common_name="H.M. Taufik Mukri",
        office="Wakil Bupati Kotawaringin Timur",
        institution="Pemerintah Kabupaten Kotawaringin Timur",
        email="wabup@kotim.example",
    )
    return key, cert


def test_init_writes_public_pem_and_only_encrypted_keys(ca):
    files = {p.name for p in ca.certs_dir.iterdir()}
    # The root key stays with the caller of the ceremony: no file for it.
    assert not any(name.startswith("root.key") for name in files)
    for name in ("root", "issuing", "tsa", "seal"):
        assert f"{name}.crt" in files
        assert (ca.certs_dir / f"{name}.crt").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    for name in ("issuing", "tsa", "seal"):
        secret = ca.certs_dir / f"{ca.key_labels[name]}.key.enc"
        assert b"PRIVATE KEY" not in secret.read_bytes()
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert {"root.crl", "issuing.crl"} <= files


def test_init_is_idempotent(ca):
    again = init_ca(
        ca.certs_dir, CA_PASSPHRASE, organisation="Lain", base_url="http://lain.test", kdf=CHEAP_KDF
    )
    assert again.root_cert == ca.root_cert
    assert again.issuing_cert == ca.issuing_cert
    assert again.base_url == BASE_URL


def test_partial_ca_directory_is_not_overwritten(tmp_path):
    (tmp_path / "root.crt").write_bytes(b"left over")
    with pytest.raises(CaExists):
        make_test_ca(tmp_path)
    assert (tmp_path / "root.crt").read_bytes() == b"left over"


def test_load_with_the_right_passphrase(ca):
    loaded = load_ca(ca.certs_dir, CA_PASSPHRASE)
    assert loaded.root_cert == ca.root_cert
    assert key_matches_certificate(loaded.seal_key, loaded.seal_cert)
    assert key_matches_certificate(loaded.tsa_key, loaded.tsa_cert)


def test_load_with_a_wrong_passphrase_fails(ca):
    with pytest.raises(WrongPassphrase):
        load_ca(ca.certs_dir, b"salah")


def test_hierarchy_and_ca_profiles(ca):
    ca.issuing_cert.verify_directly_issued_by(ca.root_cert)
    root_bc = _ext(ca.root_cert, x509.BasicConstraints)
    issuing_bc = _ext(ca.issuing_cert, x509.BasicConstraints)
    assert root_bc.critical and root_bc.value.ca
    assert issuing_bc.value.ca and issuing_bc.value.path_length == 0
    assert _ext(ca.issuing_cert, x509.KeyUsage).value.crl_sign
    assert _crl_urls(ca.issuing_cert) == [f"{BASE_URL}/pki/root.crl"]


def test_official_certificate_profile(ca, official):
    _key, cert = official
    cert.verify_directly_issued_by(ca.issuing_cert)
    usage = _ext(cert, x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    # documentSigning (RFC 9336) beside emailProtection (which poppler/NSS want).
    assert list(_ext(cert, x509.ExtendedKeyUsage).value) == [
        x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36"),
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ]
    assert _crl_urls(cert) == [f"{BASE_URL}/pki/issuing.crl"]
    assert not _ext(cert, x509.BasicConstraints).value.ca
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "H.M. Taufik Mukri"
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value.startswith("Wakil Bupati")
    assert (
        "Kotawaringin Timur" in subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    )
    emails = _ext(cert, x509.SubjectAlternativeName).value.get_values_for_type(x509.RFC822Name)
    assert emails == ["wabup@kotim.example"]


def test_tsa_certificate_has_critical_time_stamping_eku(ca):
    eku = _ext(ca.tsa_cert, x509.ExtendedKeyUsage)
    assert eku.critical
    assert list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    # Certified by the root at the ceremony: its revocation data is the long-lived root CRL.
    ca.tsa_cert.verify_directly_issued_by(ca.root_cert)
    assert ca.tsa_chain == [ca.root_cert]


def test_seal_certificate_can_sign_documents(ca):
    usage = _ext(ca.seal_cert, x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in _ext(ca.seal_cert, x509.ExtendedKeyUsage).value


def test_leaf_validity_never_outlives_the_issuing_ca(ca):
    key = generate_private_key("p256")
    cert = issue_certificate(
        ca, key.public_key(), common_name="A", office="B", institution="C", validity_days=99999
    )
    assert cert.not_valid_after_utc <= ca.issuing_cert.not_valid_after_utc


def test_crl_lists_revoked_serials_and_is_signed_by_its_issuer(ca, official):
    _key, cert = official
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    crl = x509.load_der_x509_crl(
        build_crl(ca, "issuing", [(cert.serial_number, when, "key_compromise")])
    )
    assert crl.is_signature_valid(ca.issuing_cert.public_key())
    assert crl.issuer == ca.issuing_cert.subject
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry.revocation_date_utc == when
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    assert crl.next_update_utc - crl.last_update_utc == dt.timedelta(days=7)

    root_crl = x509.load_der_x509_crl(build_crl(ca, "root", []))
    assert root_crl.is_signature_valid(ca.root_cert.public_key())
    assert len(root_crl) == 0


def test_crl_numbers_increase(ca):
    first = x509.load_der_x509_crl(build_crl(ca, "issuing", []))
    second = x509.load_der_x509_crl(build_crl(ca, "issuing", []))
    number = lambda crl: crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number  # noqa: E731
    assert number(second) > number(first)


def test_usable_certificate_passes(ca, official):
    check_certificate_usable(official[1], ca.read_crls())


def test_revoked_certificate_is_not_usable(ca, official):
    _key, cert = official
    crl = build_crl(ca, "issuing", [(cert.serial_number, dt.datetime.now(dt.UTC), None)])
    with pytest.raises(CertificateNotUsable, match="dicabut"):
        check_certificate_usable(cert, [crl])


def test_expired_or_future_certificate_is_not_usable(official):
    _key, cert = official
    with pytest.raises(CertificateNotUsable, match="kedaluwarsa"):
        check_certificate_usable(cert, [], now=cert.not_valid_after_utc + dt.timedelta(seconds=1))
    with pytest.raises(CertificateNotUsable, match="belum berlaku"):
        check_certificate_usable(cert, [], now=cert.not_valid_before_utc - dt.timedelta(seconds=1))


def test_certificate_round_trips_through_pem_and_der(ca):
    from cryptography.hazmat.primitives import serialization

    pem = ca.root_cert.public_bytes(serialization.Encoding.PEM)
    der = ca.root_cert.public_bytes(serialization.Encoding.DER)
    assert certificate_from_bytes(pem) == certificate_from_bytes(der) == ca.root_cert
