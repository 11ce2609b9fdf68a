"""CLI verbs and the event overview (a bounded number of queries)."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from signing.models import ActKind, AuditEntry, Commitment, Event, Mandate, Notification, SlotRole
from signing.workflow.status import CommitmentState, event_overview

from .conftest import Desk


def demo_event_id(db_session) -> int:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(Event.id).where(Event.is_demo.is_(True))).scalar_one()


def count_queries(db_session, func):  # type: ignore[no-untyped-def]
    statements: list[str] = []
    engine = db_session.get_bind()

    def before(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        result = func()
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return result, statements


def test_event_overview_queries_do_not_grow_with_commitments(app, db_session, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    event_id = demo_event_id(db_session)
    first = desk.generate("62.01", "62.02")
    desk.act(first[1], SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    db_session.rollback()
    two, few = count_queries(db_session, lambda: event_overview(db_session, event_id))
    desk.generate("62.03", "62.04", "62.05", "62.06", "62.07", "62.08")
    db_session.rollback()
    db_session.expunge_all()
    eight, many = count_queries(db_session, lambda: event_overview(db_session, event_id))
    assert len(two) == 2 and len(eight) == 8
    assert len(many) == len(few) < 10
    states = [status.state for _c, status in eight]
    assert states.count(CommitmentState.CIRCULATING) == 1
    assert states.count(CommitmentState.DRAFT) == 7
    # Touching what the dashboard shows loads nothing more.
    _, more = count_queries(
        db_session,
        lambda: [
            (c.region.name, c.event.name, [s.office.current_holder for s in c.slots])
            for c, _s in eight
        ],
    )
    assert more == []


def test_status_command_prints_the_matrix_and_json(app, db_session, desk: Desk, kotim: int) -> None:  # type: ignore[no-untyped-def]
    desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.PARAF, "wakil-bupati-62.02")
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    runner = app.test_cli_runner()
    event_id = demo_event_id(db_session)
    result = runner.invoke(args=["status", "--event", str(event_id)])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("62.02"))
    assert "paraf (wakil)" in line and "ttd" in line
    assert "Ada paraf, tanda tangan masih ditunggu" in line
    assert "Tanda tangan masih terutang (baru diparaf): Kotawaringin Timur (Bupati/WK)" in (
        result.output
    )
    result = runner.invoke(args=["status", "--event", str(event_id), "--json"])
    rows = json.loads(result.output)
    assert rows[0]["state"] == "paraf_outstanding"
    assert rows[0]["slots"]["kepala_daerah"] == {
        "state": "paraf_only",
        "by": "H.M. Taufik Mukri",
        "capacity": "stand_in",
        "at": rows[0]["slots"]["kepala_daerah"]["at"],
    }
    assert rows[0]["owed_signatures"] == ["kepala_daerah"]
    assert "gubernur" in rows[0]["whose_turn"]
    result = runner.invoke(args=["status", "--event", "999"])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output


def test_mandate_void_and_remind_commands(app, db_session, desk: Desk, kotim: int) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "mandate", "add", "--office", "bupati@62.02", "--deputy", "wakil-bupati-62.02",
            "--kind", "plt", "--letter-number", "800/12/2019", "--letter-date", "2019-10-01",
            "--valid-from", "2019-10-01",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db_session.execute(sa.select(sa.func.count(Mandate.id))).scalar_one() == 1
    result = runner.invoke(
        args=[
            "mandate", "add", "--office", "bupati@62.02", "--deputy", "wakil-bupati-62.02",
            "--kind", "plh", "--letter-number", "800/13", "--letter-date", "2019-10-01",
            "--valid-from", "2019-10-05", "--valid-until", "2019-10-01",
        ]
    )  # fmt: skip
    assert result.exit_code == 1
    assert "tanggal akhir berlaku sebelum tanggal mulai" in result.output
    act = desk.act(kotim, SlotRole.KEPALA_DAERAH, ActKind.SIGN, "wakil-bupati-62.02")
    assert act.capacity.value == "plt"
    mandate_id = db_session.execute(sa.select(Mandate.id)).scalar_one()
    result = runner.invoke(
        args=["mandate", "revoke", str(mandate_id), "--reason", "Bupati kembali"]
    )
    assert result.exit_code == 0, result.output
    assert "dicabut" in runner.invoke(args=["mandate", "list"]).output

    event_id = demo_event_id(db_session)
    result = runner.invoke(args=["remind", "--event", str(event_id)])
    assert result.exit_code == 0, result.output
    # The Ketua DPRD and both witnesses are owed something now.
    assert result.output.strip() == "3 pengingat dikirim."
    db_session.rollback()
    reminders = db_session.execute(
        sa.select(sa.func.count(Notification.id)).where(Notification.subject.like("Pengingat:%"))
    ).scalar_one()
    assert reminders == 3

    result = runner.invoke(args=["void", "--commitment", str(kotim), "--reason", "Salah ketik"])
    assert result.exit_code == 0, result.output
    assert "Versi baru" in result.output
    db_session.rollback()
    assert db_session.get(Commitment, kotim).void_reason == "Salah ketik"
    result = runner.invoke(args=["void", "--commitment", str(kotim), "--reason", "lagi"])
    assert result.exit_code == 1 and "sudah dibatalkan" in result.output
    actions = set(db_session.execute(sa.select(AuditEntry.action)).scalars())
    assert {"mandate.create", "mandate.revoke", "reminder.send", "commitment.void"} <= actions
