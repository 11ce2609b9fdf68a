"""A process killed (SIGKILL) in the middle of an act leaves either the whole act or none of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from signing import audit
from signing.commitments.storage import current_pdf
from signing.models import Act, ActKind, AuditEntry, Commitment, Revision, SlotRole
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service

from .conftest import PASSPHRASE, WORKFLOW_CONFIG, Desk

PROJECT = Path(__file__).resolve().parents[2]
ROLE, KIND, USER = SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02"


def start_actor(app, commitment_id: int, pause: float, user: str = USER) -> subprocess.Popen:  # type: ignore[no-untyped-def, type-arg]
    config = {
        key: app.config[key]
        for key in (
            "DATABASE_URL",
            "CERTS_DIR",
            "INSTANCE_PATH",
            "SECRET_KEY",
            "CA_PASSPHRASE",
            "BASE_URL",
        )
        if key in app.config
    }
    config.update(WORKFLOW_CONFIG, TESTING=True, CRASH_PASSPHRASE=PASSPHRASE)
    config["INSTANCE_PATH"] = app.instance_path
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.workflow.crash_actor",
            json.dumps(config),
            str(commitment_id),
            ROLE.value,
            KIND.value,
            user,
            str(pause),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(process: subprocess.Popen, word: str) -> None:  # type: ignore[type-arg]
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == word:
            return
    raise AssertionError(
        f"actor ended before {word}: {process.stderr.read() if process.stderr else ''}"
    )


def kill(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def act_state(app, db_session, commitment_id: int, sha_before: str) -> str:  # type: ignore[no-untyped-def]
    """``"none"`` or ``"whole"``; fails on anything in between."""
    db_session.rollback()
    commitment = db_session.get(Commitment, commitment_id)
    acts = (
        db_session.execute(
            sa.select(Act).where(Act.commitment_id == commitment_id, Act.kind == KIND)
        )
        .scalars()
        .all()
    )
    entries = (
        db_session.execute(
            sa.select(AuditEntry).where(
                AuditEntry.action == "act.sign", AuditEntry.commitment_id == commitment_id
            )
        )
        .scalars()
        .all()
    )
    revisions = (
        db_session.execute(
            sa.select(Revision).where(
                Revision.commitment_id == commitment_id, Revision.label == "sign"
            )
        )
        .scalars()
        .all()
    )
    assert audit.verify_chain(db_session) == []
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
    field = commitment.slot(ROLE).field_name
    if not acts:
        assert entries == [] and revisions == []
        assert commitment.current_sha256 == sha_before
        assert field not in signed_field_names(pdf)
        return "none"
    (act,) = acts
    assert [e.object_id for e in entries] == [str(act.id)]
    assert [r.act_id for r in revisions] == [act.id]
    assert act.sha256_after == revisions[0].sha256
    # The act's revision, then its document time stamp as the current one: both or neither.
    (stamp,) = db_session.execute(
        sa.select(Revision).where(Revision.parent_sha256 == act.sha256_after)
    ).scalars()
    assert (stamp.label, stamp.sha256) == ("timestamp", commitment.current_sha256)
    assert field in signed_field_names(pdf)
    with app.app_context():
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session)
        )
    assert report.valid, report.problems
    return "whole"


def test_killed_after_flush_before_commit_leaves_nothing(
    app, db_session, desk: Desk, kotim: int
) -> None:  # type: ignore[no-untyped-def]
    sha_before = db_session.get(Commitment, kotim).current_sha256
    entries_before = db_session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar_one()
    actor = start_actor(app, kotim, pause=120)
    wait_for(actor, "FLUSHED")
    kill(actor)
    assert act_state(app, db_session, kotim, sha_before) == "none"
    assert (
        db_session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar_one() == entries_before
    )
    # The lock died with the process: the same act now lands normally.
    desk.act(kotim, ROLE, KIND, USER)
    assert act_state(app, db_session, kotim, sha_before) == "whole"


def test_killed_at_random_moments_the_act_is_whole_or_absent(
    app, db_session, desk: Desk, kalteng
) -> None:  # type: ignore[no-untyped-def]
    codes = ["62.03", "62.04", "62.05", "62.06", "62.07", "62.08", "62.09"]
    users = [f"ketua-dprd-{code}" for code in codes]
    desk.enrol(*users)
    ids = desk.generate(*codes)
    # How long one act takes in a fresh process, from START to COMMITTED.
    actor = start_actor(app, ids[0], pause=0, user=users[0])
    wait_for(actor, "START")
    started = time.perf_counter()
    wait_for(actor, "COMMITTED")
    duration = time.perf_counter() - started
    actor.wait(30)
    kill_quietly(actor)
    seen = []
    fractions = (0.2, 0.4, 0.6, 0.8, 0.95, 1.5)
    for fraction, commitment_id, user in zip(fractions, ids[1:], users[1:], strict=True):
        sha_before = db_session.get(Commitment, commitment_id).current_sha256
        actor = start_actor(app, commitment_id, pause=0, user=user)
        wait_for(actor, "START")
        time.sleep(duration * fraction)
        kill(actor)
        seen.append(act_state(app, db_session, commitment_id, sha_before))
    print(
        f"\nact in a fresh process: {duration * 1000:.0f} ms; killed at "
        f"{', '.join(f'{f:.0%}' for f in fractions)}: {seen}"
    )
    assert seen[0] == "none"  # a fifth of the way: nothing committed yet


def kill_quietly(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
