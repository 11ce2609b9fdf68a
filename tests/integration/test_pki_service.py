"""Officials' keys through the PKI service: enrolment, unlock, throttle, revocation, key at rest."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from signing.db import Base, utcnow
from signing.models import CertificateStatus, Role, SigningCertificate
from signing.pki import revocation, service, unlock
from signing.pki.ca import CERTIFICATE_POLICY_OID
from signing.pki.keystore import decrypt_private_key

from ..conftest import TEST_PASSWORD
from .conftest import INSTITUTION, SIGNING_PASSPHRASE
from .helpers import audit_actions, user

WRONG = "bukan-frasa-sandinya"


def enrol(db_session, app, username: str, passphrase: str = SIGNING_PASSPHRASE):  # type: ignore[no-untyped-def]
    record = service.enrol(db_session, user(db_session, username), passphrase, actor="uji", app=app)
    db_session.commit()
    return record


def attempt(db_session, app, username: str, passphrase: str):  # type: ignore[no-untyped-def]
    """One unlock as a view does it: the failure's audit entry is committed too."""
    try:
        signer = service.signer_for_act(db_session, user(db_session, username), passphrase, app=app)
    except service.PkiError:
        db_session.commit()
        raise
    db_session.commit()
    signer.close()
    return signer


@pytest.mark.parametrize(
    ("username", "office", "institution"),
    [
        ("bupati-62.02", "Bupati Kotawaringin Timur", "Pemerintah Kabupaten Kotawaringin Timur"),
        (
            "ketua-dprd-62.02",
            "Ketua DPRD Kabupaten Kotawaringin Timur",
            "DPRD Kabupaten Kotawaringin Timur",
        ),
        ("walikota-62.71", None, "Pemerintah Kota Palangka Raya"),
        ("gubernur", "Gubernur Kalimantan Tengah", "Pemerintah Provinsi Kalimantan Tengah"),
        ("ketua-dprd-provinsi", None, "DPRD Provinsi Kalimantan Tengah"),
    ],
)
def test_enrolment_issues_a_certificate_naming_official_office_and_own_institution(
    app, db_session, kalteng, username, office, institution
):
    record = enrol(db_session, app, username)
    cert = x509.load_pem_x509_certificate(record.certificate_pem.encode())
    official = user(db_session, username)

    def attr(oid):  # type: ignore[no-untyped-def]
        return cert.subject.get_attributes_for_oid(oid)[0].value

    def ext(kind):  # type: ignore[no-untyped-def]
        return cert.extensions.get_extension_for_class(kind).value

    assert attr(NameOID.COMMON_NAME) == official.display_name
    if office is not None:
        assert attr(NameOID.TITLE) == office
    # O is the official's own institution, not the CA operator (INSTITUTION).
    assert attr(NameOID.ORGANIZATION_NAME) == institution != INSTITUTION
    assert cert.issuer == service.get_ca(app).issuing_cert.subject
    assert record.serial == format(cert.serial_number, "x")
    assert record.status == CertificateStatus.ACTIVE
    usage = ext(x509.KeyUsage)
    assert usage.content_commitment and usage.digital_signature and not usage.key_cert_sign
    assert list(ext(x509.ExtendedKeyUsage)) == [
        x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # documentSigning, RFC 9336
        x509.oid.ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ]
    (policy,) = ext(x509.CertificatePolicies)
    assert policy.policy_identifier == CERTIFICATE_POLICY_OID
    assert policy.policy_qualifiers == ["http://signing.test/pki/cps"]
    # The CRL URL and the issuer's certificate are the app's public endpoints.
    assert ext(x509.CRLDistributionPoints)[0].full_name[0].value == (
        "http://signing.test/pki/issuing.crl"
    )
    issuers, ocsp = ext(x509.AuthorityInformationAccess)
    assert issuers.access_method == x509.oid.AuthorityInformationAccessOID.CA_ISSUERS
    assert issuers.access_location.value == "http://signing.test/pki/issuing.crt"
    assert ocsp.access_method == x509.oid.AuthorityInformationAccessOID.OCSP
    assert ocsp.access_location.value == "http://signing.test/pki/ocsp"
    assert audit_actions(db_session, "pki.") == ["pki.enrol"]


def test_every_end_entity_certificate_carries_policy_crl_and_issuer_pointers(app, kalteng):
    ca = service.get_ca(app)
    for cert, level in ((ca.seal_cert, "issuing"), (ca.tsa_cert, "root")):
        exts = cert.extensions
        (policy,) = exts.get_extension_for_class(x509.CertificatePolicies).value
        assert policy.policy_identifier == CERTIFICATE_POLICY_OID
        assert policy.policy_qualifiers == ["http://signing.test/pki/cps"]
        points = exts.get_extension_for_class(x509.CRLDistributionPoints).value
        assert points[0].full_name[0].value == f"http://signing.test/pki/{level}.crl"
        aia = exts.get_extension_for_class(x509.AuthorityInformationAccess).value
        assert aia[0].access_location.value == f"http://signing.test/pki/{level}.crt"
        # OCSP for what the issuing CA signs; the root-certified TSA has the root CRL only.
        assert len(aia) == (2 if level == "issuing" else 1)
    eku = ca.seal_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in list(eku)


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [("pendek", "minimal 8 karakter"), (TEST_PASSWORD, "berbeda dari kata sandi masuk")],
)
def test_enrolment_refuses_a_weak_passphrase(app, db_session, kalteng, passphrase, message):
    with pytest.raises(service.PassphraseRejected, match=message):
        service.enrol(db_session, user(db_session, "gubernur"), passphrase, actor="uji", app=app)
    assert db_session.execute(sa.select(SigningCertificate)).first() is None


def test_an_account_without_office_is_not_enrolled(app, db_session, kalteng, make_user):
    make_user("staf", role=Role.SECRETARIAT)
    with pytest.raises(service.NotAnOfficial, match="tidak memegang jabatan"):
        service.enrol(
            db_session, user(db_session, "staf"), SIGNING_PASSPHRASE, actor="uji", app=app
        )


def test_unlock_gives_a_signer_with_the_enrolled_certificate(app, db_session, kalteng):
    record = enrol(db_session, app, "gubernur")
    signer = service.signer_for_act(
        db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, app=app
    )
    with signer:
        assert signer.certificate_id == record.id
        assert format(signer.certificate.serial_number, "x") == record.serial
        assert signer.chain[0] == service.get_ca(app).issuing_cert
    # The unlock entry is deferred to the act's own writes (or the commit): see signing.audit.
    assert audit_actions(db_session, "pki.")[-1] == "pki.enrol"
    db_session.commit()
    assert audit_actions(db_session, "pki.")[-1] == "pki.unlock"


def test_not_enrolled_is_refused_with_a_clear_message_and_logged(app, db_session, kalteng):
    with pytest.raises(service.NotEnrolled, match="Anda belum mendaftarkan kunci tanda tangan"):
        attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    assert audit_actions(db_session, "pki.") == ["pki.unlock_refused"]


def test_wrong_passphrase_is_refused_and_counts_down(app, db_session, kalteng):
    enrol(db_session, app, "gubernur")
    with pytest.raises(service.WrongPassphrase, match="Sisa percobaan: 4"):
        attempt(db_session, app, "gubernur", WRONG)
    with pytest.raises(service.WrongPassphrase, match="Sisa percobaan: 3"):
        attempt(db_session, app, "gubernur", WRONG)
    assert audit_actions(db_session, "pki.passphrase") == ["pki.passphrase_failed"] * 2


def test_throttle_is_shared_by_two_app_instances_on_one_database(
    app, second_app, db_session, kalteng
):
    enrol(db_session, app, "gubernur")
    other = second_app.extensions["signing.sessionmaker"]()
    try:
        for index in range(5):
            # Alternate between the two "workers": the count lives in the database.
            which_app, which_session = (app, db_session) if index % 2 else (second_app, other)
            with pytest.raises(service.WrongPassphrase):
                attempt(which_session, which_app, "gubernur", WRONG)
        # Locked: even the right passphrase is refused, by either instance.
        for which_app, which_session in ((app, db_session), (second_app, other)):
            with pytest.raises(service.PassphraseLocked, match="Terlalu banyak percobaan"):
                attempt(which_session, which_app, "gubernur", SIGNING_PASSPHRASE)
    finally:
        other.close()
    actions = audit_actions(db_session, "pki.")
    assert actions.count("pki.passphrase_failed") == 5
    assert actions.count("pki.passphrase_locked") == 1
    assert actions.count("pki.unlock_refused") == 2


def test_lock_ends_after_its_window(app, db_session, kalteng, monkeypatch):
    app.config["PASSPHRASE_LOCK_MINUTES"] = 0.03  # 1.8 s
    enrol(db_session, app, "gubernur")
    for _ in range(5):
        with pytest.raises(service.WrongPassphrase):
            attempt(db_session, app, "gubernur", WRONG)
    with pytest.raises(service.PassphraseLocked):
        attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    # The lock's clock moved past its window instead of a real wait.
    monkeypatch.setattr(unlock, "utcnow", lambda: utcnow() + dt.timedelta(seconds=2))
    attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    state = service.lock_state(db_session, user(db_session, "gubernur"), app)
    assert state.locked_until is None and state.failures == 0


def test_a_successful_unlock_resets_the_failure_count(app, db_session, kalteng):
    enrol(db_session, app, "gubernur")
    for _ in range(4):
        with pytest.raises(service.WrongPassphrase):
            attempt(db_session, app, "gubernur", WRONG)
    attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    with pytest.raises(service.WrongPassphrase, match="Sisa percobaan: 4"):
        attempt(db_session, app, "gubernur", WRONG)


def test_change_passphrase_keeps_the_key_and_certificate(app, db_session, kalteng):
    record = enrol(db_session, app, "wakil-gubernur")
    blob_before = record.encrypted_key
    official = user(db_session, "wakil-gubernur")
    with pytest.raises(service.WrongPassphrase):
        service.change_passphrase(db_session, official, WRONG, "frasa-sandi-baru", app=app)
    db_session.commit()
    service.change_passphrase(db_session, official, SIGNING_PASSPHRASE, "frasa-sandi-baru", app=app)
    db_session.commit()
    db_session.refresh(record)
    assert record.encrypted_key != blob_before
    assert record.status == CertificateStatus.ACTIVE
    signer = attempt(db_session, app, "wakil-gubernur", "frasa-sandi-baru")
    assert signer.certificate_id == record.id
    with pytest.raises(service.WrongPassphrase):
        attempt(db_session, app, "wakil-gubernur", SIGNING_PASSPHRASE)
    assert "pki.passphrase_changed" in audit_actions(db_session, "pki.")


def crl_serials(client, level: str = "issuing") -> dict[int, x509.RevokedCertificate]:  # type: ignore[no-untyped-def]
    response = client.get(f"/pki/{level}.crl")
    assert response.status_code == 200
    crl = x509.load_der_x509_crl(response.data)
    return {entry.serial_number: entry for entry in crl}


def test_revocation_shows_in_the_crl_endpoint_and_unlocking_is_refused(
    app, second_app, client, db_session, kalteng
):
    record = enrol(db_session, app, "ketua-dprd-62.02")
    serial = int(record.serial, 16)
    assert serial not in crl_serials(client)  # served and cached before the revocation
    # Revoked through the other instance: this app's cached CRL must notice.
    other = second_app.extensions["signing.sessionmaker"]()
    try:
        row = other.get(SigningCertificate, record.id)
        service.revoke(other, row, "affiliation_changed", actor="uji")
        other.commit()
    finally:
        other.close()
    entries = crl_serials(client)
    assert serial in entries
    reason = entries[serial].extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.affiliation_changed
    db_session.expire_all()
    with pytest.raises(service.CertificateNotUsable, match="dicabut"):
        attempt(db_session, app, "ketua-dprd-62.02", SIGNING_PASSPHRASE)
    assert audit_actions(db_session, "pki.")[-2:] == ["pki.revoke", "pki.unlock_refused"]
    with pytest.raises(service.PkiError, match="sudah dicabut"):
        service.revoke(
            db_session, db_session.get(SigningCertificate, record.id), "unspecified", actor="uji"
        )


def test_re_enrolment_supersedes_and_revokes_the_old_key(app, client, db_session, kalteng):
    first = enrol(db_session, app, "bupati-62.01")
    second = enrol(db_session, app, "bupati-62.01", "frasa-sandi-kedua")
    db_session.refresh(first)
    assert first.status == CertificateStatus.SUPERSEDED and first.revoked_at is not None
    assert second.status == CertificateStatus.ACTIVE and second.serial != first.serial
    entries = crl_serials(client)
    assert int(first.serial, 16) in entries and int(second.serial, 16) not in entries
    signer = attempt(db_session, app, "bupati-62.01", "frasa-sandi-kedua")
    assert signer.certificate_id == second.id
    with pytest.raises(service.WrongPassphrase):
        attempt(db_session, app, "bupati-62.01", SIGNING_PASSPHRASE)


def test_the_unlock_reads_the_same_crl_fingerprint_and_keeps_the_built_crls(
    app, db_session, kalteng
):
    # The act's certificate query also brings the CRLs' fingerprint (one round trip less). It
    # must equal the fingerprint read on its own, revoked dates included, or every act would
    # rebuild and re-sign both CRLs.
    enrol(db_session, app, "bupati-62.01")
    enrol(db_session, app, "bupati-62.01", "frasa-sandi-kedua")  # supersedes: a revoked_at
    attempt(db_session, app, "bupati-62.01", "frasa-sandi-kedua")
    built = app.extensions["signing.pki.crls"]
    for _ in range(2):
        record = service.active_certificate(
            db_session, user(db_session, "bupati-62.01"), with_key=True
        )
        assert record is not None and record.encrypted_key
        primed = revocation.revocation_fingerprint(db_session)
        revocation.forget_fingerprint(db_session)
        alone = revocation.revocation_fingerprint(db_session)
        assert primed == alone and alone[0] == 1 and alone[2] is not None
        db_session.commit()
        attempt(db_session, app, "bupati-62.01", "frasa-sandi-kedua")
        assert app.extensions["signing.pki.crls"] is built


def test_crl_and_ca_certificate_endpoints_are_public_der(app, client, kalteng):
    ca = service.get_ca(app)
    for level, issuer in (("root", ca.root_cert), ("issuing", ca.issuing_cert)):
        response = client.get(f"/pki/{level}.crl")
        assert response.status_code == 200
        assert response.mimetype == "application/pkix-crl"
        crl = x509.load_der_x509_crl(response.data)
        assert crl.issuer == issuer.subject
        assert crl.is_signature_valid(issuer.public_key())
        assert crl.next_update_utc > crl.last_update_utc
        response = client.get(f"/pki/{level}.crt")
        assert response.status_code == 200
        assert response.mimetype == "application/pkix-cert"
        assert x509.load_der_x509_certificate(response.data) == issuer
    assert client.get("/pki/seal.crt").status_code == 404


def test_crl_endpoint_without_a_ca_answers_503(app, client, certs_dir):
    for path in certs_dir.iterdir():
        path.unlink()
    response = client.get("/pki/issuing.crl")
    assert response.status_code == 503
    assert "CA aplikasi belum dibuat" in response.text


def _private_forms(key) -> list[bytes]:  # type: ignore[no-untyped-def]
    forms = [
        key.private_bytes(encoding, fmt, serialization.NoEncryption())
        for encoding in (serialization.Encoding.DER, serialization.Encoding.PEM)
        for fmt in (
            serialization.PrivateFormat.PKCS8,
            serialization.PrivateFormat.TraditionalOpenSSL,
        )
    ]
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    for value in (numbers.d, numbers.p, numbers.q):
        forms.append(value.to_bytes((value.bit_length() + 7) // 8, "big"))
    return forms


def _cell_bytes(value) -> bytes:  # type: ignore[no-untyped-def]
    if value is None:
        return b""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def test_database_holds_no_private_key_in_clear(app, db_session, kalteng):
    usernames = ["gubernur", "wakil-gubernur", "bupati-62.02", "ketua-dprd-62.02"]
    records = [enrol(db_session, app, name) for name in usernames]
    # Re-enrol one and change another's passphrase: old and rewritten blobs are scanned too.
    records.append(enrol(db_session, app, "gubernur", "frasa-sandi-kedua"))
    service.change_passphrase(
        db_session,
        user(db_session, "wakil-gubernur"),
        SIGNING_PASSPHRASE,
        "frasa-ganti-123",
        app=app,
    )
    db_session.commit()
    for record in records:
        db_session.refresh(record)
    passphrases = [
        SIGNING_PASSPHRASE,
        "frasa-ganti-123",
        SIGNING_PASSPHRASE,
        SIGNING_PASSPHRASE,
        "frasa-sandi-kedua",
    ]
    pairs = zip(records, passphrases, strict=True)
    keys = [decrypt_private_key(r.encrypted_key, p) for r, p in pairs]
    needles = [form for key in keys for form in _private_forms(key)]
    assert all(len(n) >= 128 for n in needles)
    connection = db_session.connection()
    scanned = 0
    for table in Base.metadata.sorted_tables:
        for row in connection.execute(sa.select(table)):
            for value in row:
                cell = _cell_bytes(value)
                scanned += 1
                assert b"PRIVATE KEY" not in cell, table.name
                for needle in needles:
                    assert needle not in cell, f"private key material in {table.name}"
    assert scanned > 100


def test_a_flipped_ciphertext_byte_fails_to_unlock(app, db_session, kalteng):
    record = enrol(db_session, app, "gubernur")
    blob = bytearray(record.encrypted_key)
    blob[-20] ^= 0x01
    db_session.execute(
        sa.update(SigningCertificate)
        .where(SigningCertificate.id == record.id)
        .values(encrypted_key=bytes(blob))
    )
    db_session.commit()
    db_session.expire_all()
    with pytest.raises(service.WrongPassphrase):
        attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)


def test_a_certificate_not_issued_by_the_ca_is_refused_before_the_key_is_used(
    app, db_session, kalteng
):
    """The same name and key, but signed by someone else: the act relies on this check instead
    of pyHanko's path validation, so it must refuse (and say so in the audit log)."""
    import datetime as dt

    record = enrol(db_session, app, "gubernur")
    genuine = x509.load_pem_x509_certificate(record.certificate_pem.encode())
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = (
        x509.CertificateBuilder()
        .subject_name(genuine.subject)
        .issuer_name(genuine.issuer)  # claims our issuing CA
        .public_key(genuine.public_key())
        .serial_number(genuine.serial_number)
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=30))
        .sign(stranger_key, hashes.SHA256())
    )
    db_session.execute(
        sa.update(SigningCertificate)
        .where(SigningCertificate.id == record.id)
        .values(certificate_pem=forged.public_bytes(serialization.Encoding.PEM).decode())
    )
    db_session.commit()
    db_session.expire_all()
    with pytest.raises(service.CertificateNotUsable, match="tidak diterbitkan oleh CA aplikasi"):
        attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    assert audit_actions(db_session, "pki.")[-1] == "pki.unlock_refused"


def test_lock_state_looks_only_at_the_recent_entries_of_one_official(app, db_session, kalteng):
    """Many unlocks and someone else's failures do not count; failures after the last unlock do."""
    enrol(db_session, app, "gubernur")
    enrol(db_session, app, "wakil-gubernur")
    for _ in range(7):
        attempt(db_session, app, "gubernur", SIGNING_PASSPHRASE)
    for _ in range(3):
        with pytest.raises(service.WrongPassphrase):
            attempt(db_session, app, "wakil-gubernur", WRONG)
    for _ in range(2):
        with pytest.raises(service.WrongPassphrase):
            attempt(db_session, app, "gubernur", WRONG)
    state = service.lock_state(db_session, user(db_session, "gubernur"), app)
    assert (state.failures, state.remaining, state.locked_until) == (2, 3, None)
    other = service.lock_state(db_session, user(db_session, "wakil-gubernur"), app)
    assert (other.failures, other.remaining) == (3, 2)


def test_timestamper_is_internal_unless_a_tsa_url_is_configured(
    app, tmp_path, database_url, certs_dir
):
    from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

    from signing.pki.tsa import InternalTimeStamper

    from ..conftest import make_test_app
    from .conftest import pki_config

    stamper = service.timestamper(app)
    assert isinstance(stamper, InternalTimeStamper)
    assert service.timestamper(app) is stamper  # kept for the app's lifetime
    other = make_test_app(
        tmp_path / "tsa", database_url, **pki_config(certs_dir, TSA_URL="http://tsa.test/")
    )
    try:
        assert isinstance(service.timestamper(other), HTTPTimeStamper)
    finally:
        other.extensions["signing.engine"].dispose()


def test_ca_passphrase_lives_in_the_instance_folder_when_not_configured(tmp_path, database_url):
    from ..conftest import make_test_app
    from .conftest import pki_config

    config = pki_config(tmp_path / "own-certs", CA_PASSPHRASE=None)
    first = make_test_app(tmp_path / "a", database_url, **config)
    ca, created = service.ensure_ca(first)
    assert created
    passphrase_file = tmp_path / "a" / "instance" / "ca_passphrase"
    assert len(passphrase_file.read_text().strip()) >= 40
    # The same instance folder with another SECRET_KEY: the CA opens unchanged.
    other_secret = make_test_app(tmp_path / "a", database_url, **config, SECRET_KEY="anders")
    assert service.ensure_ca(other_secret)[1] is False
    assert service.get_ca(other_secret).root_cert == ca.root_cert
    # Another instance folder has another passphrase: the CA's keys do not open.
    elsewhere = make_test_app(tmp_path / "c", database_url, **config)
    with pytest.raises(service.WrongPassphrase):
        service.get_ca(elsewhere)
    for app in (first, other_secret, elsewhere):
        app.extensions["signing.engine"].dispose()
