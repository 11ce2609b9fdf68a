"""Enrolment: set the signing passphrase (issues the certificate), show it, change it."""

from __future__ import annotations

import sqlalchemy as sa

from signing.models import CertificateStatus, SigningCertificate, User

from .conftest import TEST_PASSWORD, audit_since, last_audit_id, sign_form
from .world import PALANGKA

NEW = "kalimat-rahasia-saya"


def _certificates(db_session, username: str) -> list[SigningCertificate]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    user = db_session.execute(sa.select(User).where(User.username == username)).scalar_one()
    return list(
        db_session.execute(
            sa.select(SigningCertificate).where(SigningCertificate.user_id == user.id)
        ).scalars()
    )


def test_enrolment_issues_a_certificate_and_shows_it(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.04")
    page = bupati.get("/kunci-tanda-tangan")
    assert "Tetapkan frasa sandi penandatanganan" in page.text
    response = bupati.post(
        "/kunci-tanda-tangan",
        {"action": "enrol", "passphrase": NEW, "passphrase_again": NEW},
    )
    assert response.status_code == 303
    [certificate] = _certificates(db_session, "bupati-62.04")
    assert certificate.status is CertificateStatus.ACTIVE
    page = bupati.get(response.headers["Location"])
    assert "Sertifikat tanda tangan Anda telah diterbitkan" in page.text
    assert certificate.serial in page.text
    assert "CN=" in page.text and "Bupati Barito Selatan" in page.text
    assert "<dt>Jabatan</dt>" in page.text
    assert "Berlaku" in page.text and "WIB" in page.text
    # A second enrolment is refused: the passphrase is changed, not the key.
    again = bupati.post(
        "/kunci-tanda-tangan", {"action": "enrol", "passphrase": NEW, "passphrase_again": NEW}
    )
    assert again.status_code == 409
    assert len(_certificates(db_session, "bupati-62.04")) == 1


def test_the_passphrase_must_be_repeated_long_and_not_the_login_password(
    world, make_browser, db_session
) -> None:
    bupati = make_browser("bupati-62.04")
    cases = [
        ({"passphrase": NEW, "passphrase_again": NEW + "x"}, "Kedua isian frasa sandi tidak sama"),
        ({"passphrase": "pendek", "passphrase_again": "pendek"}, "minimal 8 karakter"),
        (
            {"passphrase": TEST_PASSWORD, "passphrase_again": TEST_PASSWORD},
            "harus berbeda dari kata sandi masuk",
        ),
    ]
    for data, message in cases:
        response = bupati.post("/kunci-tanda-tangan", {"action": "enrol", **data})
        assert response.status_code == 422
        assert message in response.text
    assert _certificates(db_session, "bupati-62.04") == []


def test_changing_the_passphrase_needs_the_old_one(world, make_browser, db_session) -> None:
    walikota = make_browser("walikota-62.71")
    start = last_audit_id(db_session)
    wrong = walikota.post(
        "/kunci-tanda-tangan",
        {
            "action": "change",
            "old_passphrase": "bukan-yang-lama",
            "passphrase": NEW,
            "passphrase_again": NEW,
        },
    )
    assert wrong.status_code == 422
    assert "Frasa sandi penandatanganan salah" in wrong.text
    assert "pki.passphrase_failed" in [e.action for e in audit_since(db_session, start)]
    ok = walikota.post(
        "/kunci-tanda-tangan",
        {
            "action": "change",
            "old_passphrase": "frasa-sandi-uji-1",
            "passphrase": NEW,
            "passphrase_again": NEW,
        },
    )
    assert ok.status_code == 303
    assert "telah diganti" in walikota.get(ok.headers["Location"]).text
    # The new passphrase signs; the old one no longer does.
    url = f"/komitmen/{world[PALANGKA]}/tindakan"
    old = walikota.post(url, sign_form("kepala_daerah:sign:holder"))
    assert old.status_code == 422
    new = walikota.post(url, sign_form("kepala_daerah:sign:holder", passphrase=NEW))
    assert new.status_code == 303


def test_the_certificate_subject_reads_as_name_office_institution() -> None:
    from signing.web.inbox import subject_parts

    subject = (
        r"CN=Dra. Rinie\, M.Si.,2.5.4.12=Ketua DPRD Kabupaten Kotawaringin Timur,O=DPMPTSP,C=ID"
    )
    assert subject_parts(subject) == [
        ("Nama", "Dra. Rinie, M.Si."),
        ("Jabatan", "Ketua DPRD Kabupaten Kotawaringin Timur"),
        ("Instansi", "DPMPTSP"),
        ("Negara", "ID"),
    ]


LONG_NAME = (
    "Prof. Dr. Ir. H. Muhammad Abdurrahman Wahyu Setiawan Kusumanegara Putra Pangeran "
    "Antasari, S.T., M.T., M.Si., IPU, ASEAN Eng."
)


def _rename(db_session, username: str, name: str) -> None:  # type: ignore[no-untyped-def]
    db_session.rollback()
    user = db_session.execute(sa.select(User).where(User.username == username)).scalar_one()
    user.display_name = name
    db_session.commit()


def _subject(certificate: SigningCertificate) -> dict[str, str]:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(certificate.certificate_pem.encode())
    return {a.oid.dotted_string: a.value for a in cert.subject}


def test_an_official_with_a_name_longer_than_a_common_name_enrols_and_signs(
    app, world, make_browser, db_session
) -> None:
    from signing import db
    from signing.commitments.storage import current_pdf
    from signing.models import Commitment
    from signing.verification.service import verify_upload

    from .conftest import PASSPHRASE
    from .world import KOTIM

    assert len(LONG_NAME) > 100
    # On the web page.
    _rename(db_session, "bupati-62.04", LONG_NAME)
    bupati = make_browser("bupati-62.04")
    response = bupati.post(
        "/kunci-tanda-tangan", {"action": "enrol", "passphrase": NEW, "passphrase_again": NEW}
    )
    assert response.status_code == 303, response.text
    [certificate] = _certificates(db_session, "bupati-62.04")
    subject = _subject(certificate)
    assert subject["2.5.4.3"] == "Prof. Dr. Ir. H. Muhammad Abdurrahman Wahyu Setiawan…"
    assert len(subject["2.5.4.3"]) <= 64
    assert subject["2.5.4.41"] == LONG_NAME

    # On the command line, then a signature with that key.
    _rename(db_session, "bupati-62.02", LONG_NAME)
    result = app.test_cli_runner().invoke(
        args=["users", "enrol", "bupati-62.02", "--passphrase", PASSPHRASE]
    )
    assert result.exit_code == 0, result.output
    assert result.exception is None
    kotim = world[KOTIM]
    official = make_browser("bupati-62.02")
    signed = official.post(f"/komitmen/{kotim}/tindakan", sign_form("kepala_daerah:sign:holder"))
    assert signed.status_code == 303, signed.text
    with app.app_context():
        pdf = current_pdf(db.session, db.session.get(Commitment, kotim))
        verdict = verify_upload(db.session, pdf)
    assert verdict.is_valid, verdict.message
    [signature] = [s for s in verdict.signatures if s.kind == "sign"]
    assert signature.certificate_name == LONG_NAME
    assert signature.name == LONG_NAME
