"""``signing demo --scenario rakor`` replays the article's day, once."""

from __future__ import annotations

import sqlalchemy as sa

from signing import audit
from signing.models import Act, ActKind, Capacity, Event, SlotRole
from signing.workflow.status import CommitmentState, event_overview


def test_demo_rakor_replays_the_meeting_day_once(app, db_session) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--no-serve", "--scenario", "rakor"])
    assert result.exit_code == 0, result.output
    assert "Skenario rakor" in result.output
    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    overview = {c.region.kemendagri_code: (c, s) for c, s in event_overview(db_session, event.id)}
    assert len(overview) == 14
    states = {code: status.state for code, (_c, status) in overview.items()}
    assert [code for code, state in states.items() if state is CommitmentState.DRAFT] == [
        "62.11", "62.12", "62.13",
    ]  # fmt: skip
    complete = [code for code, state in states.items() if state is CommitmentState.COMPLETE]
    assert len(complete) == 10
    kotim, status = overview["62.02"]
    assert status.state is CommitmentState.PARAF_OUTSTANDING
    assert status.owed_signatures == [SlotRole.KEPALA_DAERAH]
    assert status.whose_turn == [SlotRole.KEPALA_DAERAH]
    bupati = status.slots[SlotRole.KEPALA_DAERAH]
    assert bupati.paraf_act.actor_name == "H.M. Taufik Mukri"
    assert bupati.paraf_act.capacity is Capacity.STAND_IN
    assert bupati.sign_act is None
    for witness in (SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI):
        assert status.slots[witness].witness_act.attests_act_id == bupati.paraf_act.id
    assert status.slots[SlotRole.KETUA_DPRD].sign_act.actor_name == "Dra. Rinie"
    assert status.slots[SlotRole.GUBERNUR].state.value == "signed"
    acts = db_session.execute(
        sa.select(sa.func.count(Act.id)).where(Act.kind != ActKind.SEAL)
    ).scalar_one()
    assert acts == 10 * 5 + 5

    again = runner.invoke(args=["demo", "--no-serve", "--scenario", "rakor"])
    assert again.exit_code == 0, again.output
    assert "dilewati" in again.output
    db_session.rollback()
    assert (
        db_session.execute(
            sa.select(sa.func.count(Act.id)).where(Act.kind != ActKind.SEAL)
        ).scalar_one()
        == acts
    )
    assert audit.verify_chain(db_session) == []
