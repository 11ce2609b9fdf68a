"""Concurrent acts: serialised per commitment, every act lands exactly once, PDFs stay valid.

Runs on SQLite (BEGIN IMMEDIATE) and, with SIGNING_TEST_DATABASE_URL, on PostgreSQL
(SELECT ... FOR UPDATE). Each thread has its own application context and session, as a request
in a threaded server does.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from signing import audit, db
from signing.commitments.storage import current_pdf
from signing.models import Act, ActKind, AuditEntry, Commitment, Event, Revision, SlotRole
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import CommitmentState, commitment_status

from .conftest import Desk

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI
FLAT = {
    "mode": "groups",
    "groups": [["kepala_daerah", "ketua_dprd", "gubernur"]],
    "witnesses": "anytime",
}


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment in its own thread; results (or exceptions) in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results


def set_policy(db_session, policy: dict) -> None:  # type: ignore[no-untyped-def, type-arg]
    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    event.routing_policy = policy
    db_session.commit()


def check_pdf_matches_acts(app, db_session, commitment_id: int) -> tuple[Commitment, Any]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    commitment = db_session.get(Commitment, commitment_id)
    acts = (
        db_session.execute(sa.select(Act).where(Act.commitment_id == commitment_id)).scalars().all()
    )
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session)
        )
    assert report.valid, report.problems
    expected = {a.field_name for a in acts if a.field_name}
    assert signed_field_names(pdf) == expected
    # exactly one signature per field: no duplicates hidden by the set
    fields = collections.Counter(
        s.field_name for s in report.signatures if not s.is_document_timestamp
    )
    assert max(fields.values()) == 1
    revisions = db_session.execute(
        sa.select(sa.func.count(Revision.id)).where(Revision.commitment_id == commitment_id)
    ).scalar_one()
    signed_acts = sum(1 for a in acts if a.field_name and a.kind != ActKind.SEAL)
    # generated, sealed + its time stamp, then each act and its document time stamp
    assert revisions == 3 + 2 * signed_acts
    return commitment, report


def test_16_threads_on_one_commitment(app, db_session, desk: Desk, kalteng) -> None:  # type: ignore[no-untyped-def]
    set_policy(db_session, FLAT)
    commitment_id = desk.generate("62.02")[0]
    distinct = [
        (KD, ActKind.PARAF, "wakil-bupati-62.02"),
        (KD, ActKind.SIGN, "bupati-62.02"),
        (KETUA, ActKind.PARAF, "ketua-dprd-62.02"),
        (KETUA, ActKind.SIGN, "ketua-dprd-62.02"),
        (GUB, ActKind.PARAF, "gubernur"),
        (GUB, ActKind.SIGN, "gubernur"),
        (SAKSI1, ActKind.WITNESS, "wakil-gubernur"),
        (SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi"),
    ]
    submissions = distinct * 2
    jobs = [
        (lambda r=role, k=kind, u=user: desk.act(commitment_id, r, k, u))
        for role, kind, user in submissions
    ]
    started = time.perf_counter()
    results = run_together(jobs)
    elapsed = time.perf_counter() - started
    print(
        f"\n16 threads on one commitment: {elapsed:.2f} s ({elapsed * 1000 / 16:.0f} ms per submit)"
    )

    landed = collections.Counter()
    for (role, kind, _user), result in zip(submissions, results, strict=True):
        if isinstance(result, WorkflowRefused):
            assert result.code in ("already_done", "complete"), result
            if kind is not ActKind.PARAF:
                assert result.code == "already_done"
        else:
            assert isinstance(result, Act), result
            landed[(role, kind)] += 1
    # Every signature and witness act landed exactly once; a paraf at most once.
    for role, kind, _user in distinct:
        assert landed[(role, kind)] == (landed[(role, kind)] and 1), (role, kind)
        if kind is not ActKind.PARAF:
            assert landed[(role, kind)] == 1
    rows = db_session.execute(
        sa.select(Act.slot_id, Act.kind, sa.func.count())
        .where(Act.commitment_id == commitment_id)
        .group_by(Act.slot_id, Act.kind)
    ).all()
    assert all(count == 1 for _slot, _kind, count in rows)
    commitment, report = check_pdf_matches_acts(app, db_session, commitment_id)
    assert commitment_status(commitment).state is CommitmentState.COMPLETE
    assert report.has_lta
    completions = db_session.execute(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "commitment.complete")
    ).scalar_one()
    assert completions == 1
    assert audit.verify_chain(db_session) == []


def _persist(
    desk: Desk, commitment_id: int, role: SlotRole, kind: ActKind, user: str, deadline: float
) -> list[str]:
    """An official who keeps trying while it is not yet their turn (the Gubernur at the desk)."""
    outcomes = []
    while True:
        try:
            desk.act(commitment_id, role, kind, user)
            outcomes.append("landed")
            return outcomes
        except WorkflowRefused as refused:
            outcomes.append(refused.code)
            if refused.code != "not_your_turn" or time.monotonic() > deadline:
                return outcomes
            time.sleep(0.05)


def test_54_officials_on_14_commitments(app, db_session, kalteng) -> None:  # type: ignore[no-untyped-def]
    desk = Desk(app)
    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    regions = sorted(c.kemendagri_code for c in event.province.regions)
    assert len(regions) == 14
    heads = {code: ("walikota-" if code == "62.71" else "bupati-") + code for code in regions}
    deputies = {
        code: ("wakil-walikota-" if code == "62.71" else "wakil-bupati-") + code for code in regions
    }
    chairs = {code: f"ketua-dprd-{code}" for code in regions}
    provincial = ["gubernur", "wakil-gubernur", "ketua-dprd-provinsi"]
    desk.enrol(*heads.values(), *deputies.values(), *chairs.values(), *provincial)
    started = time.perf_counter()
    ids = dict(zip(regions, desk.generate(*regions), strict=True))
    print(f"\ngenerated 14 commitments in {time.perf_counter() - started:.1f} s")

    deadline = time.monotonic() + 240

    def regional(code: str, role: SlotRole, kind: ActKind, user: str) -> Callable[[], Any]:
        return lambda: _persist(desk, ids[code], role, kind, user, deadline)

    def provincial_official(role: SlotRole, kind: ActKind, user: str) -> Callable[[], Any]:
        def work() -> dict[str, list[str]]:
            # One person, all 14 documents in one go, retrying those not yet their turn.
            return {code: _persist(desk, ids[code], role, kind, user, deadline) for code in regions}

        return work

    jobs: list[Callable[[], Any]] = []
    labels: list[str] = []
    for code in regions:
        for role, kind, user in (
            (KD, ActKind.SIGN, heads[code]),
            (KETUA, ActKind.SIGN, chairs[code]),
            (KD, ActKind.PARAF, deputies[code]),
        ):
            jobs.append(regional(code, role, kind, user))
            labels.append(f"{user}:{kind}")
    for role, kind, user in (
        (GUB, ActKind.SIGN, "gubernur"),
        (SAKSI1, ActKind.WITNESS, "wakil-gubernur"),
        (SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi"),
    ):
        jobs.append(provincial_official(role, kind, user))
        labels.append(f"{user}:{kind}")
    # Nine double submits (a second click while the first is still running).
    for code in regions[:9]:
        jobs.append(regional(code, KETUA, ActKind.SIGN, chairs[code]))
        labels.append(f"{chairs[code]}:sign (again)")
    assert len(jobs) == 54
    started = time.perf_counter()
    results = run_together(jobs)
    elapsed = time.perf_counter() - started
    db_session.rollback()
    acts = db_session.execute(
        sa.select(sa.func.count(Act.id)).where(Act.kind != ActKind.SEAL)
    ).scalar_one()
    print(
        f"54 officials on 14 commitments: {elapsed:.1f} s for {acts} acts "
        f"({elapsed * 1000 / acts:.0f} ms per act, serialised)"
    )
    for label, result in zip(labels, results, strict=True):
        assert not isinstance(result, BaseException), (label, result)
    for code in regions:
        commitment, report = check_pdf_matches_acts(app, db_session, ids[code])
        status = commitment_status(commitment)
        assert status.state is CommitmentState.COMPLETE, (code, status.state)
        assert report.has_lta
        # Each double submit: exactly one landed, the other was told "already done".
    for label, result in zip(labels[-9:], results[-9:], strict=True):
        twin = results[labels.index(label.removesuffix(" (again)"))]
        assert sorted([result[-1], twin[-1]]) == ["already_done", "landed"], label
    completions = db_session.execute(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "commitment.complete")
    ).scalar_one()
    assert completions == 14
    assert audit.verify_chain(db_session) == []
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Rantai audit utuh" in result.output
    _ = db


def test_an_act_that_waited_for_the_lock_sees_the_act_it_waited_for(  # type: ignore[no-untyped-def]
    app, db_session, desk: Desk, kalteng
) -> None:
    """The last two signatures at nearly the same moment: the second waits on the commitment's
    lock while the first commits, and must then count the first (and complete the commitment).

    On PostgreSQL a statement that waited for a row lock re-reads only the locked row; anything
    it joined comes from its snapshot taken before the wait. Loading the acts in the locking
    statement once made the second act blind to the first.
    """
    from signing.workflow.operations import perform_act

    from .conftest import PASSPHRASE, user_named

    set_policy(db_session, FLAT)
    commitment_id = desk.generate("62.02")[0]
    desk.act(commitment_id, KD, ActKind.SIGN, "bupati-62.02")
    desk.act(commitment_id, SAKSI1, ActKind.WITNESS, "wakil-gubernur")
    desk.act(commitment_id, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi")

    first_holds_lock = threading.Event()
    first_may_commit = threading.Event()

    def first() -> Act:
        with app.app_context():
            session = db.session
            act = perform_act(
                session,
                commitment_id=commitment_id,
                role=KETUA,
                kind=ActKind.SIGN,
                user=user_named(session, "ketua-dprd-62.02"),
                passphrase=PASSPHRASE,
            )
            first_holds_lock.set()
            assert first_may_commit.wait(60)
            session.commit()
            return act

    def second() -> Act:
        assert first_holds_lock.wait(60)
        # Starts while the first still holds the lock; it commits a moment later.
        threading.Timer(0.5, first_may_commit.set).start()
        return desk.act(commitment_id, GUB, ActKind.SIGN, "gubernur")

    results = run_together([first, second])
    assert all(isinstance(result, Act) for result in results), results
    commitment, report = check_pdf_matches_acts(app, db_session, commitment_id)
    assert commitment.completed_at is not None
    assert commitment_status(commitment).state is CommitmentState.COMPLETE
    assert report.has_lta
