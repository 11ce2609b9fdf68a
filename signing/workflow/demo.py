"""``signing demo`` step of the workflow: the demo event's commitments, and ``--scenario rakor``.

The rakor scenario replays the day of the meeting in the source article on the demo event,
through the same :func:`~signing.workflow.submit.submit_act` a browser uses:

- most Kabupaten/Kota: Bupati/Wali Kota and Ketua DPRD sign, the Gubernur signs, the Wakil
  Gubernur and the Ketua DPRD Provinsi witness;
- Kotawaringin Timur (62.02): the Wakil Bupati (H.M. Taufik Mukri) can only initial (paraf, as
  a stand-in without mandate); the Wakil Gubernur and the Ketua DPRD Provinsi witness that
  paraf; the Ketua DPRD (Dra. Rinie) signs; the Gubernur signs (the default routing lets a paraf
  count as the regional party's turn); the Bupati's own signature is still owed;
- three regions (:data:`NOT_STARTED`) have not started.

It runs only while no official has acted on the event yet, so running the demo again changes
nothing. Officials act with the demo signing passphrase (``SIGNING_DEMO_PASSPHRASE``, default
"tanda-tangan-demo"), the same the PKI demo step enrols them with.
"""

from __future__ import annotations

import time
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from signing.commitments.generation import generate_event
from signing.models import Act, ActKind, Commitment, Event, Region, SlotRole, User
from signing.pki.demo import demo_passphrase
from signing.workflow.submit import ActRequest, submit_act

#: The region of the article's gap, and the ones that had not started.
KOTIM = "62.02"
NOT_STARTED = ("62.11", "62.12", "62.13")


def _demo_event(db_session: Session, app: Flask) -> Event | None:
    return db_session.execute(
        sa.select(Event)
        .where(
            Event.is_demo.is_(True), Event.province_code == app.config.get("PROVINCE_CODE", "62")
        )
        .order_by(Event.id)
        .limit(1)
    ).scalar_one_or_none()


def _live_commitments(db_session: Session, event: Event) -> list[Commitment]:
    return list(
        db_session.execute(
            sa.select(Commitment)
            .join(Region, Commitment.region_id == Region.id)
            .where(Commitment.event_id == event.id, Commitment.voided_at.is_(None))
            .order_by(Region.kemendagri_code)
        ).scalars()
    )


def _account(region: Region, role: SlotRole, *, deputy: bool = False) -> str:
    code = region.kemendagri_code
    kota = region.kind == "kota"
    if role is SlotRole.KEPALA_DAERAH:
        head = "walikota" if kota else "bupati"
        return f"wakil-{head}-{code}" if deputy else f"{head}-{code}"
    if role is SlotRole.KETUA_DPRD:
        return f"ketua-dprd-{code}"
    return {
        SlotRole.GUBERNUR: "gubernur",
        SlotRole.SAKSI_WAKIL_GUBERNUR: "wakil-gubernur",
        SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "ketua-dprd-provinsi",
    }[role]


def rakor_plan(region: Region) -> list[tuple[SlotRole, ActKind, str, str | None]]:
    """The acts of ``region`` on the meeting day: (slot, kind, account, attests "paraf" or None)."""
    code = region.kemendagri_code
    if code in NOT_STARTED:
        return []
    witnesses = [
        (
            SlotRole.SAKSI_WAKIL_GUBERNUR,
            ActKind.WITNESS,
            _account(region, SlotRole.SAKSI_WAKIL_GUBERNUR),
        ),
        (
            SlotRole.SAKSI_KETUA_DPRD_PROVINSI,
            ActKind.WITNESS,
            _account(region, SlotRole.SAKSI_KETUA_DPRD_PROVINSI),
        ),
    ]
    if code == KOTIM:
        return [
            (
                SlotRole.KEPALA_DAERAH,
                ActKind.PARAF,
                _account(region, SlotRole.KEPALA_DAERAH, deputy=True),
                None,
            ),
            *((role, kind, user, "paraf") for role, kind, user in witnesses),
            (SlotRole.KETUA_DPRD, ActKind.SIGN, _account(region, SlotRole.KETUA_DPRD), None),
            (SlotRole.GUBERNUR, ActKind.SIGN, _account(region, SlotRole.GUBERNUR), None),
        ]
    return [
        (SlotRole.KEPALA_DAERAH, ActKind.SIGN, _account(region, SlotRole.KEPALA_DAERAH), None),
        (SlotRole.KETUA_DPRD, ActKind.SIGN, _account(region, SlotRole.KETUA_DPRD), None),
        (SlotRole.GUBERNUR, ActKind.SIGN, _account(region, SlotRole.GUBERNUR), None),
        *((role, kind, user, None) for role, kind, user in witnesses),
    ]


def generate_demo_commitments(app: Flask, db_session: Session, scenario: str | None = None) -> None:
    """Generate the demo event's commitments if it has none; replay the rakor day if asked."""

    event = _demo_event(db_session, app)
    if event is None:
        return
    if not _live_commitments(db_session, event):
        started = time.perf_counter()
        report = generate_event(db_session, event, actor="demo")
        db_session.commit()
        click.echo(
            f"{len(report.generated)} dokumen komitmen dibuat "
            f"({time.perf_counter() - started:.1f} detik)."
        )
        for region, message in report.errors:
            click.echo(f"  {region.name}: {message}", err=True)
    if scenario == "rakor":
        replay_rakor(app, db_session, event)


def replay_rakor(app: Flask, db_session: Session, event: Event) -> int:
    """Replay the meeting day (only while nobody has acted on the event); returns acts made."""

    commitments = _live_commitments(db_session, event)
    acted = db_session.execute(
        sa.select(sa.func.count(Act.id)).where(
            Act.commitment_id.in_([c.id for c in commitments]), Act.kind != ActKind.SEAL
        )
    ).scalar_one()
    if acted:
        click.echo("Skenario rakor dilewati: sudah ada tindakan pada acara demo.")
        return 0

    passphrase = demo_passphrase()  # the one the PKI demo step enrols every official with
    users = {u.username: u for u in db_session.execute(sa.select(User)).scalars()}
    started = time.perf_counter()
    made = 0
    for commitment in commitments:
        region = commitment.region
        paraf_id: int | None = None
        for role, kind, username, attests in rakor_plan(region):
            user = users.get(username)
            if user is None:
                click.echo(f"  {region.name}: akun {username} tidak ada; dilewati.", err=True)
                continue
            outcome = submit_act(
                db_session,
                ActRequest(
                    commitment_id=commitment.id,
                    role=role,
                    kind=kind,
                    passphrase=passphrase,
                    attests_act_id=paraf_id if attests == "paraf" else None,
                    ip="127.0.0.1",
                    user_agent="signing demo --scenario rakor",
                ),
                user,
            )
            if outcome.refused is not None:
                click.echo(f"  {region.name}: {username}: {outcome.refused.message}", err=True)
                continue
            act = outcome.act
            assert act is not None
            made += 1
            if kind is ActKind.PARAF:
                paraf_id = act.id
    click.echo(
        f"Skenario rakor: {made} tindakan ({time.perf_counter() - started:.1f} detik); "
        f"Kotawaringin Timur menunggu tanda tangan Bupati; {len(NOT_STARTED)} wilayah belum mulai."
    )
    return made


DEMO_STEPS: list[Any] = [generate_demo_commitments]
