"""The CLI of generation and PKI: exit codes, progress output, files written."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from cryptography import x509

from signing.models import Commitment, OfficeKind, SigningCertificate
from signing.pki import service

from .conftest import SIGNING_PASSPHRASE
from .helpers import user


def test_generate_all_shows_progress_and_succeeds(runner, db_session, demo_event):
    result = runner.invoke(args=["generate", "--event", str(demo_event.id), "--all"])
    assert result.exit_code == 0, result.output
    assert "[1/14] 62.01 dibuat" in result.output
    assert "[14/14] 62.71 dibuat" in result.output
    assert "Selesai: 14 dibuat, 0 dilewati, 0 gagal." in result.output
    count = db_session.execute(sa.select(sa.func.count(Commitment.id))).scalar_one()
    assert count == 14
    again = runner.invoke(args=["generate", "--event", str(demo_event.id), "--region", "62.02"])
    assert again.exit_code == 0
    assert "[1/1] 62.02 dilewati" in again.output


def test_generate_exits_1_and_names_the_failed_regions(runner, db_session, demo_event):
    from signing.models import Office, Region

    holder = (
        db_session.execute(
            sa.select(Office)
            .join(Region)
            .where(Region.kemendagri_code == "62.09", Office.kind == OfficeKind.BUPATI)
        )
        .scalar_one()
        .current_holder
    )
    holder.ended_on = dt.date(2024, 1, 1)
    db_session.commit()
    result = runner.invoke(
        args=["generate", "--event", str(demo_event.id), "--region", "62.09", "--region", "62.02"]
    )
    assert result.exit_code == 1
    assert "[1/2] 62.09 GAGAL" in result.output
    assert "62.09 Kabupaten Lamandau" in result.output
    assert "Bupati Lamandau" in result.output
    assert "Selesai: 1 dibuat, 0 dilewati, 1 gagal." in result.output


def test_generate_usage_errors(runner, demo_event):
    assert runner.invoke(args=["generate", "--event", str(demo_event.id)]).exit_code == 2
    unknown = runner.invoke(args=["generate", "--event", str(demo_event.id), "--region", "99.99"])
    assert unknown.exit_code == 1 and "99.99" in unknown.output
    assert runner.invoke(args=["generate", "--event", "999", "--all"]).exit_code == 1


def test_preview_writes_a_png_of_the_page(runner, db_session, demo_event, tmp_path):
    runner.invoke(args=["generate", "--event", str(demo_event.id), "--region", "62.02"])
    commitment_id = db_session.execute(sa.select(Commitment.id)).scalar_one()
    target = tmp_path / "halaman.png"
    args = ["preview", "--commitment", str(commitment_id), "--page", "1", "-o", str(target)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    args[4] = "99"
    missing = runner.invoke(args=args)
    assert missing.exit_code == 1 and "Halaman 99 tidak ada" in missing.output


def test_ca_init_is_idempotent_and_show_prints_the_chain(app, runner, tmp_path):
    app.config["CERTS_DIR"] = str(tmp_path / "fresh-certs")
    init = ["ca", "init", "--root-key-out", str(tmp_path / "offline" / "root.p8")]
    init += ["--root-passphrase", "frasa-sandi-akar-uji"]
    first = runner.invoke(args=init)
    assert first.exit_code == 0 and "CA dibuat" in first.output
    root = (tmp_path / "fresh-certs" / "root.crt").read_bytes()
    second = runner.invoke(args=init)
    assert second.exit_code == 0 and "sudah ada" in second.output
    assert (tmp_path / "fresh-certs" / "root.crt").read_bytes() == root
    shown = runner.invoke(args=["ca", "show"])
    assert shown.exit_code == 0
    assert "http://signing.test/pki/issuing.crl" in shown.output


def test_enrol_and_revoke_key_from_the_cli_update_the_crl_file(
    app, runner, db_session, kalteng, certs_dir
):
    result = runner.invoke(
        args=["users", "enrol", "ketua-dprd-provinsi"],
        input=f"{SIGNING_PASSPHRASE}\n{SIGNING_PASSPHRASE}\n",
    )
    assert result.exit_code == 0, result.output
    record = service.active_certificate(db_session, user(db_session, "ketua-dprd-provinsi"))
    assert record is not None
    short = runner.invoke(args=["users", "enrol", "gubernur"], input="pendek\npendek\n")
    assert short.exit_code == 1 and "minimal 8 karakter" in short.output
    revoked = runner.invoke(
        args=["users", "revoke-key", "ketua-dprd-provinsi", "--reason", "key_compromise"]
    )
    assert revoked.exit_code == 0, revoked.output
    crl = x509.load_der_x509_crl((certs_dir / "issuing.crl").read_bytes())
    entry = crl.get_revoked_certificate_by_serial_number(int(record.serial, 16))
    assert entry is not None
    db_session.rollback()  # end the read snapshot taken before the CLI committed
    assert db_session.get(SigningCertificate, record.id).revocation_reason == "key_compromise"
    none_left = runner.invoke(
        args=["users", "revoke-key", "ketua-dprd-provinsi", "--reason", "key_compromise"]
    )
    assert none_left.exit_code == 1 and "tidak memiliki sertifikat aktif" in none_left.output
    written = runner.invoke(args=["ca", "crl"])
    assert written.exit_code == 0 and "1 sertifikat tercantum" in written.output


@pytest.mark.parametrize("override", [None, "x-Pass-2026!"], ids=["default", "environment"])
def test_demo_steps_enrol_every_official_once(app, db_session, kalteng, monkeypatch, override):
    from signing.pki.demo import DEFAULT_DEMO_PASSPHRASE, DEMO_STEPS, demo_officials
    from signing.pki.errors import WrongPassphrase

    if override:
        monkeypatch.setenv("SIGNING_DEMO_PASSPHRASE", override)
    with app.app_context():
        for step in DEMO_STEPS:
            step(app, db_session)
        db_session.commit()
        officials = demo_officials(db_session)
        assert len(officials) == 45
        assert all(service.active_certificate(db_session, o) for o in officials)
        for step in DEMO_STEPS:
            step(app, db_session)
        db_session.commit()
    total = db_session.execute(sa.select(sa.func.count(SigningCertificate.id))).scalar_one()
    assert total == 45
    bupati = user(db_session, "bupati-62.02")
    with app.app_context():
        if override:
            with pytest.raises(WrongPassphrase):
                service.signer_for_act(db_session, bupati, DEFAULT_DEMO_PASSPHRASE)
        signer = service.signer_for_act(db_session, bupati, override or DEFAULT_DEMO_PASSPHRASE)
        signer.close()
