"""Who may do what on which slot, now: pure functions over loaded objects.

Nothing here queries the database or changes anything; :mod:`signing.workflow.operations`
calls :func:`check_act` inside the commitment's lock, and views call :func:`allowed_acts` to
decide which buttons to show. Every refusal is a :class:`WorkflowRefused` with a code, an
Indonesian message that says why, and the HTTP status a view answers with.

The rules:

- The office holder of a party slot may sign, paraf or decline it. A holder of a recorded
  mandate (Plt./Plh./a.n.) for that principal office, valid today, not revoked, and for this
  event if it is scoped to one, may do the same in that capacity.
- The deputy (Wakil Bupati/Wali Kota for the Kepala Daerah slot, Wakil Ketua DPRD for the Ketua
  DPRD slot, Wakil Gubernur for the Gubernur slot) without such a mandate may only paraf, as a
  ``stand_in``; a paraf is never a signature.
- The holder (or a mandate holder) of a witness office may witness its witness slot and names
  the act it attests. Witnesses do not decline: they simply do not attest.
- A field is filled once: nobody signs a signed slot, nor initials a slot already initialled.
- The order is the event's routing policy (:mod:`signing.workflow.routing`). A paraf-only slot
  stays open for the principal's signature whatever the order. A decline may come at any time
  while the slot is open (it stops the version; waiting for one's turn to say no helps nobody).
- A decline is final for the version: afterwards the commitment can only be voided and
  reissued. Nothing is done on a void or complete commitment.
- The secretariat (and administrators) never act on slots.
- One person, one role per commitment: whoever acted on one slot of a commitment (as holder,
  under a mandate or as a stand-in) acts on no other slot of it. So nobody witnesses an act
  they performed, and nobody fills two party slots, or a party slot and a witness slot
  (:func:`check_one_role`; refused with ``one_role``, 409). The same person may still act
  twice on one slot (a paraf, then the signature).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from signing.models.commitments import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Mandate,
    MandateKind,
    Slot,
    SlotRole,
)
from signing.models.regions import Office, OfficeKind
from signing.models.users import Role, User
from signing.workflow.refusals import (
    CATALOGUE,
    N_,
    Phrase,
    WorkflowError,
    WorkflowRefused,
    joined,
    refuse,
)
from signing.workflow.routing import (
    DEFAULT_POLICY,
    InvalidPolicy,
    RoutingPolicy,
    SlotState,
    waiting_for,
    whose_turn,
)
from signing.workflow.status import CommitmentState, CommitmentStatus, commitment_status, policy_of

__all__ = [
    "DEFAULT_POLICY",
    "HTTP_STATUS",
    "WIB",
    "AllowedAct",
    "InvalidPolicy",
    "RoutingPolicy",
    "WorkflowError",
    "WorkflowRefused",
    "allowed_acts",
    "capacities",
    "check_act",
    "check_one_role",
    "mandate_role_conflicts",
    "today_wib",
    "waiting_for",
    "whose_turn",
]

#: Western Indonesia Time: mandates are valid by the local calendar day.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")

#: HTTP status a view answers each refusal code with (from the catalogue).
HTTP_STATUS = {entry.code: entry.status for entry in CATALOGUE.values()}


@dataclass(frozen=True)
class AllowedAct:
    kind: ActKind
    capacity: Capacity
    mandate_id: int | None = None


def today_wib(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(WIB).date()


# ----------------------------------------------------------------------------- relations


def _current_offices(user: User) -> list[Office]:
    return [h.office for h in user.holdings if h.ended_on is None]


def _is_deputy(office: Office, principal: Office) -> bool:
    deputy_of = office.kind.deputy_of
    return (
        deputy_of is not None
        and deputy_of == principal.kind
        and office.province_code == principal.province_code
        and office.region_id == principal.region_id
    )


def mandate_applies(
    mandate: Mandate, commitment: Commitment, slot: Slot, user: User, today: dt.date
) -> bool:
    return (
        mandate.deputy_user_id == user.id
        and mandate.principal_office_id == slot.office_id
        and mandate.is_valid_on(today)
        and (mandate.event_id is None or mandate.event_id == commitment.event_id)
    )


_MANDATE_ORDER = {MandateKind.PLT: 0, MandateKind.PLH: 1, MandateKind.AN: 2}


def capacities(
    commitment: Commitment,
    slot: Slot,
    user: User,
    mandates: Iterable[Mandate],
    today: dt.date,
) -> list[tuple[Capacity, Mandate | None]]:
    """The capacities in which ``user`` relates to ``slot``, best first (holder first)."""
    if user.role != Role.OFFICIAL or not user.active:
        return []
    result: list[tuple[Capacity, Mandate | None]] = []
    offices = _current_offices(user)
    if any(office.id == slot.office_id for office in offices):
        result.append((Capacity.HOLDER, None))
    valid = [m for m in mandates if mandate_applies(m, commitment, slot, user, today)]
    # Plt. before Plh. before a.n.; then the most recent letter.
    valid.sort(key=lambda m: (_MANDATE_ORDER[MandateKind(m.kind)], -m.letter_date.toordinal()))
    result.extend((Capacity(MandateKind(m.kind).value), m) for m in valid)
    principal = slot.office
    if not SlotRole(slot.role).is_witness and any(_is_deputy(o, principal) for o in offices):
        result.append((Capacity.STAND_IN, None))
    return result


def _kinds_for(role: SlotRole, capacity: Capacity) -> tuple[ActKind, ...]:
    if role.is_witness:
        return () if capacity is Capacity.STAND_IN else (ActKind.WITNESS,)
    if capacity is Capacity.STAND_IN:
        return (ActKind.PARAF,)
    return (ActKind.SIGN, ActKind.PARAF, ActKind.DECLINE)


# ----------------------------------------------------------------------------- messages


def _slot_name(slot: Slot | None, role: SlotRole) -> str:
    office = getattr(slot, "office", None) if slot is not None else None
    return office.title if office is not None and office.title else role.label


def _names(commitment: Commitment, roles: Sequence[SlotRole], joiner: str) -> str | Phrase:
    by_role = {SlotRole(s.role): s for s in commitment.slots}
    return joined([_slot_name(by_role.get(r), r) for r in roles], joiner)


# ----------------------------------------------------------------------------- the check


def _slot_of(commitment: Commitment, role: SlotRole) -> Slot:
    for slot in commitment.slots:
        if slot.role == role:
            return slot
    raise refuse("slot_not_found")


def check_act(
    commitment: Commitment,
    role: SlotRole | str,
    user: User,
    kind: ActKind | str,
    *,
    mandates: Iterable[Mandate] = (),
    today: dt.date | None = None,
    capacity: Capacity | str | None = None,
    reason: str | None = None,
    attests_act_id: int | None = None,
    policy: RoutingPolicy | None = None,
    status: CommitmentStatus | None = None,
) -> AllowedAct:
    """Decide whether ``user`` may do ``kind`` on the ``role`` slot now.

    ``status``: the commitment's status under ``policy``, when the caller has just computed it.

    Returns the capacity (and mandate) the act is made in; raises :class:`WorkflowRefused`
    otherwise. Checks come in a fixed order, so the message names the most basic reason:
    not generated, void, not your slot, wrong kind of act, already done (a repeated submit),
    complete, declined, no mandate, not your turn, then the act's own inputs.
    """
    role = SlotRole(role)
    kind = ActKind(kind)
    today = today or today_wib()
    mandates = list(mandates)
    if commitment.generated_at is None and commitment.current_sha256 is None:
        raise refuse("not_generated")
    if commitment.is_void:
        if commitment.void_reason:
            raise refuse("void_because", reason=commitment.void_reason)
        raise refuse("void")
    slot = _slot_of(commitment, role)
    if user.role != Role.OFFICIAL:
        raise refuse("staff_do_not_sign")
    caps = capacities(commitment, slot, user, mandates, today)
    if not caps:
        raise refuse("not_your_named_slot", slot=_slot_name(slot, role))
    if kind is ActKind.SEAL or role.is_witness != (kind is ActKind.WITNESS):
        raise refuse("wrong_kind", kind=kind.label, slot=_slot_name(slot, role))
    status = status or commitment_status(commitment, policy or policy_of(commitment))
    slot_state = status.slots[role]
    # A repeated submit of an act that landed answers "already done" before anything else.
    if kind in (ActKind.SIGN, ActKind.WITNESS) and slot_state.state is SlotState.SIGNED:
        raise refuse("already_signed")
    if kind is ActKind.PARAF and slot_state.paraf_act is not None:
        raise refuse("already_initialled")
    if kind is ActKind.DECLINE and slot_state.state is SlotState.DECLINED:
        raise refuse("already_declined")
    if status.state is CommitmentState.COMPLETE or commitment.completed_at is not None:
        raise refuse("complete")
    if status.state is CommitmentState.DECLINED:
        declined = next(r for r, s in status.slots.items() if s.state is SlotState.DECLINED)
        raise refuse("declined", slot=_slot_name(_slot_of(commitment, declined), declined))
    if kind is ActKind.PARAF and slot_state.state is SlotState.SIGNED:
        raise refuse("signed_no_paraf")
    if kind is ActKind.DECLINE and slot_state.state is SlotState.SIGNED:
        raise refuse("signed_no_decline")
    chosen = _choose(caps, role, kind, capacity)
    check_one_role(commitment, slot, user, kind=kind, attests_act_id=attests_act_id)
    if kind is not ActKind.DECLINE and slot_state.state is not SlotState.PARAF_ONLY:
        blocking = waiting_for(
            policy or policy_of(commitment), {r: s.state for r, s in status.slots.items()}, role
        )
        if blocking:
            joiner = "atau" if role.is_witness else "dan"
            raise refuse(
                "not_your_turn",
                names=_names(commitment, blocking, joiner),
                waiting_for=[r.value for r in blocking],
            )
    if kind is ActKind.DECLINE and not (reason and reason.strip()):
        raise refuse("reason_required")
    if kind is ActKind.WITNESS and attests_act_id is not None:
        _check_attestation(commitment, attests_act_id)
    return chosen


def _act_words(act: Act) -> Phrase:
    """An act as the one-role refusal names it: "paraf mewakili Gubernur ..., tanpa mandat"."""
    slot = act.slot
    where: str | Phrase = (
        _slot_name(slot, SlotRole(slot.role)) if slot is not None else Phrase(N_("dokumen ini"))
    )
    kind = Phrase(act.kind.label, lower=True)
    if act.capacity is Capacity.STAND_IN:
        return Phrase(N_("%(kind)s mewakili %(slot)s, tanpa mandat"), {"kind": kind, "slot": where})
    if act.capacity.line:
        return Phrase(
            N_("%(kind)s sebagai %(line)s %(slot)s"),
            {"kind": kind, "line": act.capacity.line, "slot": where},
        )
    return Phrase(N_("%(kind)s sebagai %(slot)s"), {"kind": kind, "slot": where})


def check_one_role(
    commitment: Commitment,
    slot: Slot,
    user: User,
    *,
    kind: ActKind | str | None = None,
    attests_act_id: int | None = None,
) -> None:
    """One person, one role per commitment: refuse ``user`` on ``slot`` if they acted on another.

    Every channel (web pages, signing desk, API, CLI) reaches it through :func:`check_act`, so
    the refusal has one code (``one_role``, 409) and one message everywhere, and
    :func:`signing.workflow.operations.perform_act` records it in the audit log.
    """
    mine = [
        act
        for act in commitment.acts
        if act.actor_user_id == user.id and act.kind is not ActKind.SEAL and act.slot_id is not None
    ]
    if kind is not None and ActKind(kind) is ActKind.WITNESS and attests_act_id is not None:
        own = next((a for a in mine if a.id == attests_act_id), None)
        if own is not None:
            raise refuse("own_act", act=_act_words(own))
    other = next((a for a in mine if a.slot_id != slot.id), None)
    if other is not None:
        raise refuse("one_role", act=_act_words(other), slot=_slot_name(slot, SlotRole(slot.role)))


#: Offices that hold a slot on commitments (the principals of the five slots).
SLOT_OFFICE_KINDS = frozenset(
    {
        OfficeKind.GUBERNUR,
        OfficeKind.WAKIL_GUBERNUR,
        OfficeKind.KETUA_DPRD_PROVINSI,
        OfficeKind.BUPATI,
        OfficeKind.WALIKOTA,
        OfficeKind.KETUA_DPRD,
    }
)


def _share_a_commitment(a: Office, b: Office) -> bool:
    """Whether offices ``a`` and ``b`` both hold a slot on some commitment."""
    if a.id == b.id or a.kind not in SLOT_OFFICE_KINDS or b.kind not in SLOT_OFFICE_KINDS:
        return False
    if a.province_code != b.province_code:
        return False
    return a.kind.is_provincial or b.kind.is_provincial or a.region_id == b.region_id


def mandate_role_conflicts(
    principal: Office, deputy: User, other_mandates: Iterable[Mandate] = ()
) -> list[Office]:
    """The offices ``deputy`` holds (or holds another mandate for) that sit on the same
    commitments as ``principal``: with a mandate for ``principal`` they could only act in one
    of the two slots of each such commitment (see :func:`check_one_role`)."""
    offices = {o.id: o for o in _current_offices(deputy)}
    for mandate in other_mandates:
        if mandate.revoked_at is None and mandate.principal_office is not None:
            offices.setdefault(mandate.principal_office.id, mandate.principal_office)
    return [o for o in offices.values() if _share_a_commitment(principal, o)]


def _choose(
    caps: list[tuple[Capacity, Mandate | None]],
    role: SlotRole,
    kind: ActKind,
    capacity: Capacity | str | None,
) -> AllowedAct:
    fitting = [(c, m) for c, m in caps if kind in _kinds_for(role, c)]
    if capacity is not None:
        wanted = Capacity(capacity)
        fitting = [(c, m) for c, m in fitting if c is wanted]
        if not fitting:
            if wanted in (Capacity.PLT, Capacity.PLH, Capacity.AN):
                raise refuse("no_such_mandate", mandate=wanted.line)
            if wanted is Capacity.STAND_IN and kind is not ActKind.PARAF:
                raise refuse("paraf_only")
            raise refuse("not_your_slot")
    if not fitting:
        # The user relates to the slot only as a stand-in and wants more than a paraf.
        raise refuse("paraf_only")
    cap, mandate = fitting[0]
    return AllowedAct(kind=kind, capacity=cap, mandate_id=mandate.id if mandate else None)


def _check_attestation(commitment: Commitment, act_id: int) -> Act:
    for act in commitment.acts:
        if act.id == act_id:
            if act.kind not in (ActKind.SIGN, ActKind.PARAF):
                break
            return act
    raise refuse("bad_attestation")


def allowed_acts(
    commitment: Commitment,
    slot: Slot,
    user: User,
    mandates: Iterable[Mandate],
    today: dt.date | None = None,
    *,
    policy: RoutingPolicy | None = None,
    capacities: Iterable[Capacity | None] = (None,),
) -> list[AllowedAct]:
    """Every act ``user`` may do on ``slot`` right now (the buttons to show).

    A decline is listed without its reason (the form asks for it); a witness act without the
    act it attests (the form offers the acts to choose from). ``capacities``: the ones to try
    (None: the best the rules find); a signature is listed in each capacity it may be made in,
    every other kind once, in the first capacity that allows it.
    """
    mandates = list(mandates)
    capacities = list(capacities)
    policy = policy or policy_of(commitment)
    result: list[AllowedAct] = []
    seen: set[tuple[ActKind, Capacity]] = set()
    for kind in (ActKind.SIGN, ActKind.PARAF, ActKind.WITNESS, ActKind.DECLINE):
        for capacity in capacities:
            if capacity is not None and (kind, capacity) in seen:
                continue
            try:
                found = check_act(
                    commitment,
                    slot.role,
                    user,
                    kind,
                    mandates=mandates,
                    today=today,
                    capacity=capacity,
                    reason="-" if kind is ActKind.DECLINE else None,
                    policy=policy,
                )
            except WorkflowRefused:
                continue
            if (kind, found.capacity) in seen:
                continue
            seen.add((kind, found.capacity))
            result.append(found)
            if kind is not ActKind.SIGN:
                break
    return result
