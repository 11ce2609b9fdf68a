"""The audit chain anchored outside its table: sealed checkpoints, their file, pinned PDFs.

Whoever can write the database can cut the newest entries or edit one and recompute every later
hash: the chain alone still verifies. The checkpoints (signed with the office seal, whose key is
not in the database), their append-only file and the chain head in every act's signature name
it. Real acts on real PDFs; both databases.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing import audit
from signing.commitments.storage import current_pdf
from signing.models import ActKind, AuditCheckpoint, AuditEntry, SlotRole
from signing.pades.sign import audit_heads
from signing.pades.verify import verify_pdf
from signing.pki import service

from .conftest import Desk

KD, KETUA = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD


def _verify(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def _rewrite_from(db_session, entry_id: int, **changes: object) -> None:  # type: ignore[no-untyped-def]
    """Edit one entry and recompute its hash and every later link: a consistent forgery."""
    entries = db_session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    prev_hash = ""
    for entry in entries:
        if entry.id == entry_id:
            for name, value in changes.items():
                setattr(entry, name, value)
        if entry.id >= entry_id:
            entry.prev_hash = prev_hash
            entry.entry_hash = audit.entry_digest(entry, prev_hash)
            db_session.flush()
        prev_hash = entry.entry_hash
    db_session.commit()


def _checkpoints(db_session) -> list[AuditCheckpoint]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return (
        db_session.execute(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars().all()
    )


def _last_entry_id(db_session) -> int:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return db_session.execute(sa.select(sa.func.max(AuditEntry.id))).scalar_one()


@pytest.fixture()
def two_acts(desk: Desk, kotim: int, db_session) -> int:  # type: ignore[no-untyped-def]
    desk.act(kotim, KD, ActKind.PARAF, "wakil-bupati-62.02")
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    return kotim


def test_every_act_writes_a_sealed_checkpoint_of_the_head(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    checkpoints = _checkpoints(db_session)
    act_entries = (
        db_session.execute(
            sa.select(AuditEntry).where(AuditEntry.action.like("act.%")).order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert len(act_entries) == 2
    covered = {c.seq: c.head_hash for c in checkpoints}
    # Each act's transaction ends with a checkpoint of its own newest entry.
    for entry in act_entries:
        newest = (
            db_session.execute(
                sa.select(AuditEntry).where(AuditEntry.id >= entry.id).order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
        assert any(covered.get(e.id) == e.entry_hash for e in newest[:3])
    assert covered[_last_entry_id(db_session)]
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "Rantai audit utuh." in result.output
    assert "0 entri sesudahnya belum dijangkarkan" in result.output

    # The same checkpoints are in the append-only file, which is private.
    path = Path(app.instance_path) / audit.CHECKPOINT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(line["seq"], line["head_hash"]) for line in lines] == [
        (c.seq, c.head_hash) for c in checkpoints
    ]


def test_truncating_the_newest_entries_is_named(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    last = _last_entry_id(db_session)
    # Cut the last act's entries: the chain that is left is intact on its own.
    db_session.execute(sa.delete(AuditEntry).where(AuditEntry.id > last - 2))
    db_session.commit()
    assert audit.verify_chain(db_session) == []

    result = _verify(app)
    assert result.exit_code == 1
    assert f"Entri #{last}: jejak audit dipotong" in result.output


def test_truncating_entries_and_their_checkpoints_shows_in_the_file(
    app, db_session, two_acts
) -> None:  # type: ignore[no-untyped-def]
    last = _last_entry_id(db_session)
    newest = _checkpoints(db_session)[-1]
    db_session.execute(sa.delete(AuditEntry).where(AuditEntry.id > last - 2))
    db_session.execute(sa.delete(AuditCheckpoint).where(AuditCheckpoint.id == newest.id))
    db_session.commit()

    result = _verify(app)
    assert result.exit_code == 1
    assert f"Entri #{newest.seq}: checkpoint ini dihapus dari basis data" in result.output
    assert f"Entri #{newest.seq}: jejak audit dipotong" in result.output


def test_rewriting_with_recomputed_hashes_is_named(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    first_act = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.paraf")
    ).scalar_one()
    _rewrite_from(db_session, first_act.id, actor_name="Orang Lain", ip="203.0.113.9")
    assert audit.verify_chain(db_session) == []  # the forgery is consistent

    result = _verify(app)
    assert result.exit_code == 1
    assert "ditulis ulang (hash tidak cocok dengan checkpoint)" in result.output


def test_deleting_an_entry_and_relinking_is_named(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    first_act = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.paraf")
    ).scalar_one()
    db_session.execute(sa.delete(AuditEntry).where(AuditEntry.id == first_act.id))
    db_session.commit()
    _rewrite_from(db_session, first_act.id + 1)
    assert audit.verify_chain(db_session) == []

    result = _verify(app)
    assert result.exit_code == 1
    assert "telah dihapus" in result.output or "ditulis ulang" in result.output


def test_a_checkpoint_without_the_seal_key_is_refused(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    """Rewrite the log and forge matching checkpoints (without the seal key) in table and file."""
    first_act = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.paraf")
    ).scalar_one()
    _rewrite_from(db_session, first_act.id, actor_name="Orang Lain")
    hashes = dict(db_session.execute(sa.select(AuditEntry.id, AuditEntry.entry_hash)).all())
    for checkpoint in _checkpoints(db_session):
        checkpoint.head_hash = hashes[checkpoint.seq]
    db_session.commit()
    path = Path(app.instance_path) / audit.CHECKPOINT_FILE
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    for line in lines:
        line["head_hash"] = hashes[line["seq"]]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    result = _verify(app)
    assert result.exit_code == 1
    assert "tidak bertanda tangan segel yang sah" in result.output


def test_the_signed_pdf_pins_the_log_up_to_its_act(
    app, db_session, desk: Desk, kotim: int, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    before = _last_entry_id(db_session)
    desk.act(kotim, KD, ActKind.PARAF, "wakil-bupati-62.02")
    commitment = desk.commitment(db_session, kotim)
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
        # The pin sits in the signature dictionary, under the signature: the copy validates.
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session)
        )
    assert report.valid, report.problems
    if shutil.which("pdfsig"):
        copy = tmp_path / "pdfsig.pdf"
        copy.write_bytes(pdf)
        output = subprocess.run(
            ["pdfsig", "-no-ocsp", str(copy)], capture_output=True, text=True, check=False
        ).stdout
        assert output.count("Signature Validation: Signature is Valid.") == 2, output
    heads = audit_heads(pdf)
    assert [(seq, head) for _field, seq, head in heads] == [
        (before, db_session.get(AuditEntry, before).entry_hash)
    ]
    copy = tmp_path / "salinan.pdf"
    copy.write_bytes(pdf)
    result = _verify(app, "--pdf", str(copy))
    assert result.exit_code == 0, result.output
    assert "1 kepala rantai dari dokumen cocok" in result.output

    # Even with every checkpoint and its file gone, the official's copy names the rewrite.
    db_session.execute(sa.delete(AuditCheckpoint))
    db_session.commit()
    (Path(app.instance_path) / audit.CHECKPOINT_FILE).unlink()
    first = db_session.execute(sa.select(sa.func.min(AuditEntry.id))).scalar_one()
    _rewrite_from(db_session, first, actor_name="Orang Lain")
    assert _verify(app).exit_code == 0  # nothing left in the database to tell
    result = _verify(app, "--pdf", str(copy))
    assert result.exit_code == 1
    assert f"Entri #{before}: jejak audit sampai entri ini ditulis ulang" in result.output
    assert "salinan.pdf" in result.output


def test_entries_get_a_checkpoint_at_least_once_a_minute(app, db_session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now = [1000.0]
    monkeypatch.setattr(audit, "clock", lambda: now[0])

    def write(n: int) -> None:
        audit.record(db_session, "test.entry", actor="uji", details={"n": n})
        db_session.commit()

    write(1)  # this process has no checkpoint yet: one now
    write(2)
    now[0] += 59
    write(3)
    assert [c.seq for c in _checkpoints(db_session)] == [_first_id(db_session)]
    now[0] += 2  # 61 s after the last checkpoint
    write(4)
    assert [c.seq for c in _checkpoints(db_session)] == [
        _first_id(db_session),
        _last_entry_id(db_session),
    ]
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "0 entri sesudahnya belum dijangkarkan" in result.output
    write(5)
    assert "1 entri sesudahnya belum dijangkarkan" in _verify(app).output


def _first_id(db_session) -> int:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(sa.func.min(AuditEntry.id))).scalar_one()


def test_a_file_line_that_cannot_be_read_is_named(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    path = Path(app.instance_path) / audit.CHECKPOINT_FILE
    with path.open("a") as handle:
        handle.write("bukan json\n")
    result = _verify(app)
    assert result.exit_code == 1
    assert "tidak terbaca" in result.output


def test_the_admin_page_names_a_truncation_too(app, db_session, two_acts) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import AuthActions

    last = _last_entry_id(db_session)
    db_session.execute(sa.delete(AuditEntry).where(AuditEntry.id > last - 2))
    db_session.commit()
    client = app.test_client()
    assert AuthActions(client).login("sekretariat").status_code == 302
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Rantai audit rusak" in page
    # The login just wrote new entries: on PostgreSQL they take fresh ids (the cut entries
    # show as deleted), on SQLite they may reuse the cut ids (the chain shows as cut short).
    assert "jejak audit dipotong" in page or "telah dihapus" in page


def test_checkpoints_without_the_seal_certificate_are_reported_not_crashed(
    app, db_session, two_acts, tmp_path, database_url
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_test_app

    elsewhere = make_test_app(
        tmp_path / "elsewhere", database_url, CERTS_DIR=str(tmp_path / "none")
    )
    result = elsewhere.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "checkpoint tidak dapat diperiksa: CA aplikasi belum dibuat" in result.output
    elsewhere.extensions["signing.engine"].dispose()
