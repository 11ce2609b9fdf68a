"""The public status of a commitment: what the QR landing page may show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.commitments.loading import load_commitment
from signing.models import ActKind, Capacity, Commitment
from signing.workflow.status import commitment_status

from .labels import attests_label, capacity_label, format_wib, slot_label

__all__ = ["PublicAct", "PublicParty", "PublicStatus", "public_status"]


@dataclass(frozen=True)
class PublicParty:
    slot_label: str
    office_title: str
    #: Who signed (or declined), else the office's current holder (whose act is awaited).
    name: str
    state_label: str
    is_witness: bool
    #: Who initialled for the holder, or the capacity of a stand-in who signed.
    note: str | None = None


@dataclass(frozen=True)
class PublicAct:
    kind_label: str
    name: str
    office: str | None
    capacity_label: str
    slot_label: str
    time_wib: str
    attests: str | None = None


@dataclass(frozen=True)
class PublicStatus:
    """What the QR landing page may show: nothing from the audit trail, no IPs, no reasons."""

    code: str
    number: str
    region_name: str
    province_name: str
    event_name: str
    event_date: dt.date
    event_place: str
    state: str
    state_label: str
    is_complete: bool
    is_void: bool
    completed_at: str
    voided_at: str
    parties: tuple[PublicParty, ...]
    acts: tuple[PublicAct, ...]
    #: SHA-256 of the current signed PDF, to compare with a copy; None before generation.
    current_sha256: str | None
    revision_count: int
    replaced_by_code: str | None = None


def public_status(db_session: Session, code: str) -> PublicStatus | None:
    """The public status of the commitment with this code, or None."""

    commitment = load_commitment(db_session, code=code)
    if commitment is None:
        return None
    status = commitment_status(commitment)
    parties = []
    for slot in commitment.slots:
        slot_state = status.slots[slot.role]
        holder = slot.office.current_holder
        name = holder.name if holder else "-"
        note = None
        done = slot_state.witness_act or slot_state.sign_act or slot_state.decline_act
        if done is not None:
            name = done.actor_name
            if Capacity(done.capacity) is not Capacity.HOLDER:
                note = capacity_label(done.capacity)
                if done.actor_office_title:
                    note += f", {done.actor_office_title}"
        elif slot_state.paraf_act is not None:
            paraf = slot_state.paraf_act
            note = f"Diparaf oleh {paraf.actor_name}"
            if paraf.actor_office_title:
                note += f" ({paraf.actor_office_title})"
        parties.append(
            PublicParty(
                slot_label=slot.role.label,
                office_title=slot.office.title,
                name=name,
                state_label=_public_slot_state(slot_state.state.value, slot.role.is_witness),
                is_witness=slot.role.is_witness,
                note=note,
            )
        )
    acts = [
        PublicAct(
            kind_label=ActKind(act.kind).label,
            name=act.actor_name,
            office=act.actor_office_title,
            capacity_label="" if act.kind == ActKind.SEAL else capacity_label(act.capacity),
            slot_label=slot_label(act),
            time_wib=format_wib(act.created_at),
            attests=attests_label(act),
        )
        for act in commitment.acts
    ]
    replaced_by = db_session.execute(
        sa.select(Commitment.code).where(Commitment.replaces_id == commitment.id)
    ).scalar_one_or_none()
    return PublicStatus(
        code=commitment.code,
        number=commitment.number,
        region_name=commitment.region.name,
        province_name=commitment.event.province.name if commitment.event.province else "",
        event_name=commitment.event.name,
        event_date=commitment.event.date,
        event_place=commitment.event.place,
        state=status.state.value,
        state_label=status.state.label,
        is_complete=status.is_complete,
        is_void=commitment.is_void,
        completed_at=format_wib(commitment.completed_at),
        voided_at=format_wib(commitment.voided_at),
        parties=tuple(parties),
        acts=tuple(acts),
        current_sha256=commitment.current_sha256,
        revision_count=len(commitment.revisions),
        replaced_by_code=replaced_by,
    )


def _public_slot_state(state: str, is_witness: bool) -> str:
    if is_witness:
        return {"signed": "Sudah bersaksi", "pending": "Belum bersaksi"}.get(state, state)
    return {
        "signed": "Sudah ditandatangani",
        "paraf_only": "Baru diparaf; tanda tangan masih ditunggu",
        "pending": "Belum ditandatangani",
        "declined": "Menolak menandatangani",
    }[state]
