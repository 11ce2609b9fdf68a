"""Status of slots and commitments, derived from the acts (never stored a second time).

A slot is *pending*, *paraf_only* (initialled, the principal's full signature still owed),
*signed* (for a witness slot: attested) or *declined*. A commitment is:

- ``void``: voided by the secretariat (a new version replaces it);
- ``declined``: a party declined; the version can only be voided and reissued (a decline is
  final for that version: withdrawing it would need the refused text to change anyway);
- ``complete``: every party signed and both witnesses attested;
- ``signed_by_all``: every party signed, a witness has not attested yet;
- ``paraf_outstanding``: some party has only initialled;
- ``draft``: generated, nobody acted yet;
- ``circulating``: otherwise.

:func:`event_overview` loads a whole event (the secretariat dashboard) in a fixed number of
queries, whatever the number of commitments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload, subqueryload

from signing.models import Act, ActKind, Capacity, Commitment, Office, Region, Slot, SlotRole
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS
from signing.models.labels import LabelledEnum
from signing.workflow.routing import RoutingPolicy, SlotState, whose_turn

__all__ = [
    "CommitmentState",
    "CommitmentStatus",
    "SlotState",
    "SlotStatus",
    "StandIn",
    "commitment_status",
    "event_overview",
    "policy_of",
    "slot_status",
]


class CommitmentState(LabelledEnum):
    DRAFT = "draft", "Belum ada tindakan"
    CIRCULATING = "circulating", "Sedang diedarkan"
    PARAF_OUTSTANDING = "paraf_outstanding", "Ada paraf, tanda tangan masih ditunggu"
    SIGNED_BY_ALL = "signed_by_all", "Ditandatangani semua pihak, menunggu saksi"
    COMPLETE = "complete", "Lengkap"
    DECLINED = "declined", "Ditolak"
    VOID = "void", "Dibatalkan"


@dataclass(frozen=True)
class StandIn:
    """Someone other than the office holder acted on the slot."""

    name: str
    office_title: str | None
    capacity: Capacity
    mandate_id: int | None
    act_id: int | None

    @property
    def line(self) -> str:
        """``"Plt."`` etc., or ``"Wakil (paraf)"`` for a stand-in without mandate."""
        return self.capacity.line or "Mewakili (paraf saja)"


@dataclass(frozen=True)
class SlotStatus:
    role: SlotRole
    state: SlotState
    sign_act: Act | None = None
    paraf_act: Act | None = None
    witness_act: Act | None = None
    decline_act: Act | None = None
    #: Set when the latest act on the slot was made by a deputy or mandate holder.
    stand_in: StandIn | None = None
    #: Time of the latest act on the slot.
    since: dt.datetime | None = None

    @property
    def acts(self) -> list[Act]:
        found = (self.paraf_act, self.sign_act, self.witness_act, self.decline_act)
        return [act for act in found if act is not None]


@dataclass(frozen=True)
class CommitmentStatus:
    state: CommitmentState
    slots: dict[SlotRole, SlotStatus]
    is_complete: bool
    whose_turn: list[SlotRole] = field(default_factory=list)

    @property
    def parties_signed(self) -> int:
        return sum(self.slots[r].state is SlotState.SIGNED for r in PARTY_SLOTS)

    @property
    def witnesses_attested(self) -> int:
        return sum(self.slots[r].state is SlotState.SIGNED for r in WITNESS_SLOTS)

    @property
    def owed_signatures(self) -> list[SlotRole]:
        """Party slots only initialled: the gap the secretariat chases."""
        return [r for r in PARTY_SLOTS if self.slots[r].state is SlotState.PARAF_ONLY]


def _first(acts: list[Act], kind: ActKind) -> Act | None:
    for act in acts:
        if act.kind == kind:
            return act
    return None


def slot_status(slot: Slot) -> SlotStatus:
    """What the acts on ``slot`` say about it."""
    acts = [act for act in slot.acts if act.kind != ActKind.SEAL]
    sign = _first(acts, ActKind.SIGN)
    paraf = _first(acts, ActKind.PARAF)
    witness = _first(acts, ActKind.WITNESS)
    decline = _first(acts, ActKind.DECLINE)
    if decline is not None:
        state = SlotState.DECLINED
    elif sign is not None or witness is not None:
        state = SlotState.SIGNED
    elif paraf is not None:
        state = SlotState.PARAF_ONLY
    else:
        state = SlotState.PENDING
    latest = acts[-1] if acts else None
    stand_in = None
    if latest is not None and latest.capacity != Capacity.HOLDER:
        stand_in = StandIn(
            name=latest.actor_name,
            office_title=latest.actor_office_title,
            capacity=Capacity(latest.capacity),
            mandate_id=latest.mandate_id,
            act_id=latest.id,
        )
    return SlotStatus(
        role=SlotRole(slot.role),
        state=state,
        sign_act=sign,
        paraf_act=paraf,
        witness_act=witness,
        decline_act=decline,
        stand_in=stand_in,
        since=latest.created_at if latest is not None else None,
    )


def policy_of(commitment: Commitment) -> RoutingPolicy:
    event = commitment.event
    return RoutingPolicy.from_dict(event.routing_policy if event is not None else None)


def commitment_status(
    commitment: Commitment, policy: RoutingPolicy | None = None
) -> CommitmentStatus:
    """The state of ``commitment`` and of each of its slots, and whose turn it is."""
    policy = policy or policy_of(commitment)
    slots = {SlotRole(slot.role): slot_status(slot) for slot in commitment.slots}
    states = {role: status.state for role, status in slots.items()}
    for role in (*PARTY_SLOTS, *WITNESS_SLOTS):
        slots.setdefault(role, SlotStatus(role=role, state=SlotState.PENDING))
    parties_signed = all(slots[r].state is SlotState.SIGNED for r in PARTY_SLOTS)
    witnessed = all(slots[r].state is SlotState.SIGNED for r in WITNESS_SLOTS)
    is_complete = parties_signed and witnessed
    if commitment.is_void:
        state = CommitmentState.VOID
    elif any(s.state is SlotState.DECLINED for s in slots.values()):
        state = CommitmentState.DECLINED
    elif is_complete:
        state = CommitmentState.COMPLETE
    elif parties_signed:
        state = CommitmentState.SIGNED_BY_ALL
    elif any(slots[r].state is SlotState.PARAF_ONLY for r in PARTY_SLOTS):
        state = CommitmentState.PARAF_OUTSTANDING
    elif all(s.state is SlotState.PENDING for s in slots.values()):
        state = CommitmentState.DRAFT
    else:
        state = CommitmentState.CIRCULATING
    generated = commitment.generated_at is not None or commitment.current_sha256 is not None
    turn = (
        []
        if state in (CommitmentState.VOID, CommitmentState.COMPLETE) or not generated
        else whose_turn(policy, states)
    )
    return CommitmentStatus(state=state, slots=slots, is_complete=is_complete, whose_turn=turn)


def event_overview(
    db_session: Session, event_id: int, *, include_superseded: bool = False
) -> list[tuple[Commitment, CommitmentStatus]]:
    """Every commitment of an event with its status, ordered by region code then version.

    The number of SQL queries does not depend on the number of commitments (one for the
    commitments with their region and event, one per eagerly loaded collection). A voided
    version that a newer one replaces is left out unless ``include_superseded``.
    """
    query = (
        sa.select(Commitment)
        .join(Region, Commitment.region_id == Region.id)
        .where(Commitment.event_id == event_id)
        # subqueryload, not selectinload: selectinload sends the parent ids in chunks of 500,
        # so a national event (514 commitments) would cost extra queries per collection.
        .options(
            joinedload(Commitment.event),
            joinedload(Commitment.region),
            subqueryload(Commitment.slots).subqueryload(Slot.acts),
            subqueryload(Commitment.slots).joinedload(Slot.office).subqueryload(Office.holders),
        )
        .order_by(Region.kemendagri_code, Commitment.version)
    )
    if not include_superseded:
        newer = aliased(Commitment)
        query = query.where(~sa.exists().where(newer.replaces_id == Commitment.id))
    commitments = db_session.execute(query).scalars().all()
    policies: dict[int, RoutingPolicy] = {}
    result = []
    for commitment in commitments:
        policy = policies.get(commitment.event_id)
        if policy is None:
            policy = policies[commitment.event_id] = policy_of(commitment)
        result.append((commitment, commitment_status(commitment, policy)))
    return result
