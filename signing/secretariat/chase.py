"""The lists the secretariat chases: paraf only (a signature still owed), nobody acted yet,
declined."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signing.dates import wib_text
from signing.db import utcnow
from signing.models import Act, ActKind, Capacity, Commitment, Region
from signing.models.commitments import SlotRole
from signing.secretariat.overview import acts_by_id
from signing.secretariat.words import (
    CAPACITY_WORDS,
    COLUMN_LABELS,
    MATRIX_SLOTS,
    actor_line,
    duration_words,
)
from signing.workflow.status import CommitmentState, CommitmentStatus, SlotState


@dataclass
class SlotItem:
    """The slot of one commitment that a line of a list is about."""

    commitment: Commitment
    region: Region
    role: SlotRole


@dataclass
class ParafOnlyItem(SlotItem):
    paraf: Act
    #: "Wakil Bupati H.M. Taufik Mukri"
    by: str
    #: "Wakil (tanpa mandat, paraf saja)", "Plt.", "Pemegang jabatan"
    capacity: str
    witnesses: list[str]
    owed_for: dt.timedelta
    #: The principal who still owes the signature: "Bupati Kotawaringin Timur (nama)".
    principal: str

    @property
    def owed_words(self) -> str:
        return duration_words(self.owed_for)

    @property
    def owed_hours(self) -> float:
        return round(self.owed_for.total_seconds() / 3600, 1)


@dataclass
class PendingItem(SlotItem):
    holder: str
    is_turn: bool
    waiting_since: dt.datetime | None


@dataclass
class DeclinedItem(SlotItem):
    by: str
    at: dt.datetime
    reason: str


@dataclass
class FollowUp:
    paraf_only: list[ParafOnlyItem]
    pending: list[PendingItem]
    declined: list[DeclinedItem]


def _principal(commitment: Commitment, role: SlotRole) -> str:
    slot = next((s for s in commitment.slots if SlotRole(s.role) == role), None)
    if slot is None:
        return COLUMN_LABELS[role]
    holder = slot.office.current_holder
    return f"{slot.office.title} ({holder.name})" if holder else slot.office.title


def follow_up(
    overview: list[tuple[Commitment, CommitmentStatus]], *, now: dt.datetime | None = None
) -> FollowUp:
    """The three lists: paraf only (signature owed), nobody acted yet, declined."""
    now = now or utcnow()
    paraf_only: list[ParafOnlyItem] = []
    pending: list[PendingItem] = []
    declined: list[DeclinedItem] = []
    for commitment, status in overview:
        if status.state is CommitmentState.VOID:
            continue
        region = commitment.region
        acts = list(acts_by_id(status).values())
        for role in MATRIX_SLOTS:
            slot = status.slots[role]
            if slot.state is SlotState.PARAF_ONLY and slot.paraf_act is not None:
                paraf = slot.paraf_act
                witnesses = [
                    f"{actor_line(act, region)} ({wib_text(act.created_at)})"
                    for act in sorted(acts, key=lambda a: a.id)
                    if act.kind == ActKind.WITNESS and act.attests_act_id == paraf.id
                ]
                paraf_only.append(
                    ParafOnlyItem(
                        commitment,
                        region,
                        role,
                        paraf=paraf,
                        by=actor_line(paraf, region),
                        capacity=CAPACITY_WORDS[Capacity(paraf.capacity)],
                        witnesses=witnesses,
                        owed_for=now - paraf.created_at,
                        principal=_principal(commitment, role),
                    )
                )
            elif slot.state is SlotState.PENDING and status.state is not CommitmentState.DECLINED:
                if commitment.generated_at is None and commitment.current_sha256 is None:
                    continue
                pending.append(
                    PendingItem(
                        commitment,
                        region,
                        role,
                        holder=_principal(commitment, role),
                        is_turn=role in status.whose_turn,
                        waiting_since=commitment.generated_at,
                    )
                )
            elif slot.state is SlotState.DECLINED and slot.decline_act is not None:
                act = slot.decline_act
                declined.append(
                    DeclinedItem(
                        commitment,
                        region,
                        role,
                        by=actor_line(act, region),
                        at=act.created_at,
                        reason=act.reason or "",
                    )
                )
    paraf_only.sort(key=lambda item: (-item.owed_for, item.region.kemendagri_code))
    return FollowUp(paraf_only, pending, declined)
