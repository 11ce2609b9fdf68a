"""Commitments, slots and acts written straight to the database (no PDFs), for fast tests.

The dashboard, the lists and the exports read only these rows (status is derived from the acts),
so building them directly exercises the same code as a real signing day, minus pyHanko.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Office,
    OfficeKind,
    Region,
    Slot,
    SlotRole,
)

#: The meeting day of the demo event, 10:00 WIB.
MEETING = dt.datetime(2019, 10, 24, 3, 0, tzinfo=dt.UTC)


def _offices(db_session: Session) -> dict[tuple[OfficeKind, str, int | None], Office]:
    return {
        (office.kind, office.province_code, office.region_id): office
        for office in db_session.execute(sa.select(Office)).scalars()
    }


def slot_offices(
    region: Region, offices: dict[tuple[OfficeKind, str, int | None], Office]
) -> dict[SlotRole, Office]:
    province = region.province_code
    return {
        SlotRole.KEPALA_DAERAH: offices[(region.head_office_kind, province, region.id)],
        SlotRole.KETUA_DPRD: offices[(OfficeKind.KETUA_DPRD, province, region.id)],
        SlotRole.GUBERNUR: offices[(OfficeKind.GUBERNUR, province, None)],
        SlotRole.SAKSI_WAKIL_GUBERNUR: offices[(OfficeKind.WAKIL_GUBERNUR, province, None)],
        SlotRole.SAKSI_KETUA_DPRD_PROVINSI: offices[
            (OfficeKind.KETUA_DPRD_PROVINSI, province, None)
        ],
    }


def make_commitments(
    db_session: Session, event: Event, regions: Iterable[Region]
) -> list[Commitment]:
    """One generated-looking commitment (version 1, five slots) per region; flushed."""
    offices = _offices(db_session)
    made = []
    for region in regions:
        commitment = Commitment(
            event_id=event.id,
            region_id=region.id,
            version=1,
            number=f"UJI/{event.id}/{region.kemendagri_code}",
            code=f"U{event.id}-{region.kemendagri_code.replace('.', '')}",
            # Not a real PDF: these tests never open the document.
            current_sha256="0" * 64,
            generated_at=MEETING - dt.timedelta(hours=1),
        )
        for position, (role, office) in enumerate(slot_offices(region, offices).items()):
            commitment.slots.append(
                Slot(
                    role=role,
                    office_id=office.id,
                    position=position,
                    field_name=f"f_{role.value}",
                    paraf_field_name=None if role.is_witness else f"p_{role.value}",
                )
            )
        db_session.add(commitment)
        made.append(commitment)
    db_session.flush()
    return made


def act(
    db_session: Session,
    commitment: Commitment,
    role: SlotRole,
    kind: ActKind,
    *,
    name: str | None = None,
    office_title: str | None = None,
    capacity: Capacity = Capacity.HOLDER,
    at: dt.datetime = MEETING,
    attests: Act | None = None,
    reason: str | None = None,
) -> Act:
    """Record an act as the workflow would (no PDF revision)."""
    slot = commitment.slot(role)
    holder = slot.office.current_holder
    field = {
        ActKind.SIGN: slot.field_name,
        ActKind.WITNESS: slot.field_name,
        ActKind.PARAF: slot.paraf_field_name,
        ActKind.DECLINE: None,
    }[kind]
    record = Act(
        commitment_id=commitment.id,
        slot_id=slot.id,
        kind=kind,
        capacity=capacity,
        actor_name=name or (holder.name if holder else "?"),
        actor_office_title=office_title or slot.office.title,
        field_name=field,
        reason=reason,
        attests_act_id=attests.id if attests is not None else None,
        created_at=at,
    )
    db_session.add(record)
    db_session.flush()
    return record


def sign_all(db_session: Session, commitment: Commitment, at: dt.datetime = MEETING) -> None:
    """Both regional parties and the Gubernur sign; both witnesses attest."""
    for minutes, role in enumerate(
        (SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR)
    ):
        act(db_session, commitment, role, ActKind.SIGN, at=at + dt.timedelta(minutes=minutes))
    for role in (SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI):
        act(db_session, commitment, role, ActKind.WITNESS, at=at + dt.timedelta(minutes=5))


#: Regions the direct scenario leaves untouched (the workflow demo picks its own three).
NOT_STARTED = ("62.11", "62.12", "62.13")
KOTIM = "62.02"


def rakor_direct(db_session: Session, event: Event) -> dict[str, Commitment]:
    """The article's day without PDFs: Kotawaringin Timur's Wakil Bupati initials (witnessed
    by the Wakil Gubernur and the Ketua DPRD Provinsi), its Ketua DPRD and the Gubernur sign;
    three regions have not started; every other region is complete."""
    regions = list(
        db_session.execute(
            sa.select(Region)
            .where(Region.province_code == event.province_code)
            .order_by(Region.kemendagri_code)
        ).scalars()
    )
    commitments = {
        c.region.kemendagri_code: c for c in make_commitments(db_session, event, regions)
    }
    for code, commitment in commitments.items():
        if code in NOT_STARTED:
            continue
        if code == KOTIM:
            paraf = act(
                db_session,
                commitment,
                SlotRole.KEPALA_DAERAH,
                ActKind.PARAF,
                name="H.M. Taufik Mukri",
                office_title="Wakil Bupati Kotawaringin Timur",
                capacity=Capacity.STAND_IN,
            )
            act(db_session, commitment, SlotRole.KETUA_DPRD, ActKind.SIGN)
            for role in (SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI):
                act(
                    db_session,
                    commitment,
                    role,
                    ActKind.WITNESS,
                    attests=paraf,
                    at=MEETING + dt.timedelta(minutes=1),
                )
            act(
                db_session,
                commitment,
                SlotRole.GUBERNUR,
                ActKind.SIGN,
                at=MEETING + dt.timedelta(minutes=10),
            )
            continue
        sign_all(db_session, commitment)
    db_session.flush()
    return commitments
