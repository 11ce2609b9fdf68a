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
