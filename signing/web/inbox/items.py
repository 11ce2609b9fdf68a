"""The model of a signing page: a commitment as one official sees it (:class:`Item`), the slots
they relate to (:class:`Task`) and the acts they may do now (:class:`Choice`).

Shared by the inbox, the signing page and the signing desk (:mod:`signing.web.desk`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm import Session, aliased, selectinload

from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Mandate,
    Office,
    Slot,
    SlotRole,
    User,
)
from signing.web.documents import (
    related_slots,
    user_mandates,
)
from signing.workflow.access import candidate_offices
from signing.workflow.mandates import deputy_office_of
from signing.workflow.routing import SlotState
from signing.workflow.rules import (
    WorkflowRefused,
    allowed_acts,
    check_one_role,
    policy_of,
    today_wib,
)
from signing.workflow.status import CommitmentState, CommitmentStatus, commitment_status

SUBMIT_LABELS = {
    ActKind.SIGN: lazy_gettext("Tanda tangani"),
    ActKind.PARAF: lazy_gettext("Bubuhkan paraf"),
    ActKind.WITNESS: lazy_gettext("Saksikan"),
    ActKind.DECLINE: lazy_gettext("Tolak dokumen"),
}
DONE_WORDS = {
    ActKind.SIGN: lazy_gettext("Tanda tangan Anda telah dibubuhkan."),
    ActKind.PARAF: lazy_gettext("Paraf Anda telah dibubuhkan."),
    ActKind.WITNESS: lazy_gettext("Kesaksian Anda telah dibubuhkan."),
    ActKind.DECLINE: lazy_gettext("Penolakan Anda telah dicatat."),
}


# ----------------------------------------------------------------------------- the model


def document_title(commitment: Commitment) -> str:
    region = commitment.region.name if commitment.region is not None else commitment.number
    return f"Komitmen Bersama PTSP Prima {region}"


def act_description(act: Act) -> str:
    """``paraf H.M. Taufik Mukri (Wakil Bupati Kotawaringin Timur)``."""
    who = act.actor_name
    if act.actor_office_title:
        who += f" ({act.actor_office_title})"
    return f"{gettext(ActKind(act.kind).label).lower()} {who}"


@dataclass(frozen=True)
class Choice:
    """One act the official may do now, in one capacity: a radio button of the signing form."""

    role: SlotRole
    kind: ActKind
    capacity: Capacity
    mandate: Mandate | None
    label: str
    detail: str
    sentence: str
    field_name: str | None

    @property
    def value(self) -> str:
        return f"{self.role.value}:{self.kind.value}:{self.capacity.value}"

    @property
    def submit_label(self) -> str:
        return str(SUBMIT_LABELS[self.kind])

    @property
    def needs_passphrase(self) -> bool:
        # A decline is an act: it is signed into the audit log with the official's key.
        return True


@dataclass(frozen=True)
class Task:
    """A slot of the commitment the official relates to, and what they may do on it now."""

    slot: Slot
    role: SlotRole
    state: SlotState
    capacities: tuple[tuple[Capacity, Mandate | None], ...]
    choices: tuple[Choice, ...]
    expected: str
    paraf_by: Act | None = None
    #: Why this person may not act on this slot at all (one person, one role per commitment).
    barred: WorkflowRefused | None = None

    @property
    def stand_in_only(self) -> bool:
        return all(cap is Capacity.STAND_IN for cap, _m in self.capacities)

    @property
    def can_act(self) -> bool:
        """Something other than a decline is possible now."""
        return any(choice.kind is not ActKind.DECLINE for choice in self.choices)

    @property
    def is_open(self) -> bool:
        if self.barred is not None:
            return False
        if self.stand_in_only:
            return self.state is SlotState.PENDING
        return self.state in (SlotState.PENDING, SlotState.PARAF_ONLY)

    @property
    def sign_choice(self) -> Choice | None:
        """The signature in the best capacity (for bulk signing)."""
        return next((c for c in self.choices if c.kind is ActKind.SIGN), None)


@dataclass
class Item:
    """A commitment as one official sees it."""

    commitment: Commitment
    user: User
    status: CommitmentStatus
    tasks: list[Task]
    turn_text: str
    section: str = "done"
    attestable: list[Act] = field(default_factory=list)
    #: What this official already did on the document.
    mine: list[Act] = field(default_factory=list)

    @property
    def own_tasks(self) -> list[Task]:
        own = [t for t in self.tasks if not t.stand_in_only]
        return own or self.tasks

    @property
    def extra_tasks(self) -> list[Task]:
        """Stand-in tasks of someone who also holds a slot of their own on the document."""
        own = self.own_tasks
        return [t for t in self.tasks if t not in own]

    @property
    def choices(self) -> list[Choice]:
        return [choice for task in self.own_tasks + self.extra_tasks for choice in task.choices]

    @property
    def sign_choice(self) -> Choice | None:
        for task in self.own_tasks:
            choice = task.sign_choice
            if choice is not None and choice.capacity is not Capacity.STAND_IN:
                return choice
        return None

    @property
    def title(self) -> str:
        return document_title(self.commitment)

    @property
    def stand_in_note(self) -> str | None:
        """Why a Wakil without mandate sees only Paraf."""
        for task in self.own_tasks:
            if task.stand_in_only:
                principal = task.slot.office.title
                return gettext(
                    "Anda mewakili %(office)s tanpa mandat (Plt./Plh./a.n.) yang tercatat, "
                    "jadi Anda hanya dapat memaraf. Paraf bukan tanda tangan: tanda tangan "
                    "%(office)s sendiri masih diperlukan agar komitmen lengkap.",
                    office=principal,
                )
        return None


def _own_office_title(user: User, principal: Office) -> str:
    own = deputy_office_of(user, principal)
    if own is not None:
        return own.title
    offices = user.current_offices
    return offices[0].title if offices else user.display_name


def _capacity_words(capacity: Capacity, mandate: Mandate | None, principal: Office) -> str:
    if capacity is Capacity.HOLDER:
        return gettext("sebagai %(office)s", office=principal.title)
    if capacity is Capacity.STAND_IN:
        return gettext("mewakili %(office)s (tanpa mandat: paraf saja)", office=principal.title)
    if mandate is not None:
        return gettext(
            "sebagai %(capacity)s %(office)s (surat mandat %(letter)s)",
            capacity=capacity.line,
            office=principal.title,
            letter=mandate.letter_number,
        )
    return gettext(
        "sebagai %(capacity)s %(office)s", capacity=capacity.line, office=principal.title
    )


def act_sentence(
    commitment: Commitment,
    slot: Slot,
    user: User,
    kind: ActKind,
    capacity: Capacity,
    mandate: Mandate | None,
    attested: Act | None,
) -> str:
    doc = document_title(commitment)
    principal = slot.office
    if kind is ActKind.WITNESS:
        if attested is not None:
            return gettext(
                "Anda menyaksikan %(act)s pada %(doc)s sebagai %(office)s.",
                act=act_description(attested),
                doc=doc,
                office=principal.title,
            )
        return gettext(
            "Anda menyaksikan %(doc)s sebagai %(office)s.", doc=doc, office=principal.title
        )
    words = _capacity_words(capacity, mandate, principal)
    if kind is ActKind.DECLINE:
        return gettext(
            "Anda menolak %(doc)s %(capacity)s. Versi dokumen ini berhenti; sekretariat perlu "
            "membatalkannya dan menerbitkan versi baru.",
            doc=doc,
            capacity=words,
        )
    if kind is ActKind.PARAF:
        if capacity is Capacity.STAND_IN:
            # Why it is only a paraf is said once, in the note beside the choices.
            return gettext(
                "Anda memaraf %(doc)s mewakili %(office)s, sebagai %(own)s.",
                doc=doc,
                office=principal.title,
                own=_own_office_title(user, principal),
            )
        return gettext(
            "Anda memaraf %(doc)s %(capacity)s. Paraf bukan tanda tangan: bagian tanda tangan "
            "ini tetap menunggu tanda tangan.",
            doc=doc,
            capacity=words,
        )
    return gettext("Anda menandatangani %(doc)s %(capacity)s.", doc=doc, capacity=words)


def _field_of(slot: Slot, kind: ActKind) -> str | None:
    if kind is ActKind.DECLINE:
        return None
    if kind is ActKind.PARAF:
        return slot.paraf_field_name
    return slot.field_name


def _attestable(commitment: Commitment) -> list[Act]:
    return [a for a in commitment.acts if a.kind in (ActKind.SIGN, ActKind.PARAF)]


def _expected(task_role: SlotRole, slot: Slot, caps, state: SlotState, paraf: Act | None) -> str:
    principal = slot.office.title
    capacity, mandate = caps[0]
    if task_role.is_witness:
        return gettext("Saksi sebagai %(office)s", office=principal)
    if capacity is Capacity.STAND_IN:
        return gettext("Paraf mewakili %(office)s (tanpa mandat: paraf saja)", office=principal)
    text = gettext(
        "Tanda tangan %(capacity)s", capacity=_capacity_words(capacity, mandate, slot.office)
    )
    if state is SlotState.PARAF_ONLY and paraf is not None:
        text = gettext(
            "%(expected)s; paraf %(name)s sudah ada", expected=text, name=paraf.actor_name
        )
    return text


def _choices(
    commitment: Commitment,
    slot: Slot,
    user: User,
    caps: list[tuple[Capacity, Mandate | None]],
    mandates: list[Mandate],
    today: dt.date,
    policy: Any,
    attested: Act | None,
) -> list[Choice]:
    role = SlotRole(slot.role)
    out: list[Choice] = []
    capacities = [capacity for capacity, _mandate in caps]
    for allowed in allowed_acts(
        commitment, slot, user, mandates, today, policy=policy, capacities=capacities
    ):
        kind = allowed.kind
        chosen = next((m for m in mandates if m.id == allowed.mandate_id), None)
        out.append(
            Choice(
                role=role,
                kind=kind,
                capacity=allowed.capacity,
                mandate=chosen,
                label=gettext(kind.label),  # the model's Indonesian label is the msgid
                detail=_capacity_words(allowed.capacity, chosen, slot.office),
                sentence=act_sentence(
                    commitment, slot, user, kind, allowed.capacity, chosen, attested
                ),
                field_name=_field_of(slot, kind),
            )
        )
    return out


def _turn_text(commitment: Commitment, status: CommitmentStatus, mine: set[SlotRole]) -> str:
    """``Giliran Anda`` or ``Menunggu Bupati X dan Ketua DPRD Y``; ``mine``: roles the user may
    act on now."""
    if status.state in (CommitmentState.VOID, CommitmentState.COMPLETE, CommitmentState.DECLINED):
        return gettext(status.state.label)
    if not status.whose_turn:
        return gettext(status.state.label)
    others = [r for r in status.whose_turn if r not in mine]
    if mine & set(status.whose_turn):
        if not others:
            return gettext("Giliran Anda")
        return gettext(
            "Giliran Anda; juga ditunggu: %(offices)s", offices=_offices(commitment, others)
        )
    return gettext("Menunggu %(offices)s", offices=_offices(commitment, others))


def _offices(commitment: Commitment, roles: list[SlotRole]) -> str:
    by_role = {SlotRole(s.role): s for s in commitment.slots}
    names = [by_role[r].office.title if r in by_role else r.label for r in roles]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + gettext("dan") + " " + names[-1]


def _barred(commitment: Commitment, slot: Slot, user: User) -> WorkflowRefused | None:
    """The one-role refusal ``user`` would get on ``slot`` (the rules' own check), or None."""
    try:
        check_one_role(commitment, slot, user)
    except WorkflowRefused as refused:
        return refused
    return None


def build_item(
    commitment: Commitment,
    user: User,
    mandates: list[Mandate],
    today: dt.date | None = None,
    *,
    read_only: bool = False,
) -> Item | None:
    """What ``user`` may do on ``commitment`` now; None if no slot relates to them.

    ``read_only`` builds the item without tasks for a reader whom no slot concerns any more
    (the caller has checked the read rule)."""
    today = today or today_wib()
    related = {} if read_only else related_slots(commitment, user, mandates, today)
    if not related and not read_only:
        return None
    policy = policy_of(commitment)
    status = commitment_status(commitment, policy)
    attestable = _attestable(commitment)
    attested = attestable[-1] if attestable else None
    tasks = []
    for slot in commitment.slots:
        role = SlotRole(slot.role)
        caps = related.get(role)
        if not caps:
            continue
        slot_state = status.slots[role]
        tasks.append(
            Task(
                slot=slot,
                role=role,
                state=slot_state.state,
                capacities=tuple(caps),
                choices=tuple(
                    _choices(commitment, slot, user, caps, mandates, today, policy, attested)
                ),
                expected=_expected(role, slot, caps, slot_state.state, slot_state.paraf_act),
                paraf_by=slot_state.paraf_act,
                barred=_barred(commitment, slot, user),
            )
        )
    item = Item(
        commitment=commitment,
        user=user,
        status=status,
        tasks=tasks,
        turn_text=_turn_text(commitment, status, {t.role for t in tasks if t.can_act}),
        attestable=attestable,
        mine=[a for a in commitment.acts if a.actor_user_id == user.id],
    )
    closed = status.state in (
        CommitmentState.VOID,
        CommitmentState.COMPLETE,
        CommitmentState.DECLINED,
    )
    own = item.own_tasks
    if closed:
        item.section = "done"
    elif any(t.can_act for t in own):
        item.section = "action"
    elif any(t.is_open for t in own):
        item.section = "waiting"
    else:
        item.section = "done"
    return item


def official_items(db_session: Session, user: User, *, event_id: int | None = None) -> list[Item]:
    """Every current commitment that concerns ``user``, by event (newest first), then region."""
    mandates = user_mandates(db_session, user)
    office_ids = candidate_offices(db_session, user, mandates)
    if not office_ids:
        return []
    newer = aliased(Commitment)
    query = (
        sa.select(Commitment)
        .join(Event, Commitment.event_id == Event.id)
        .where(
            Commitment.id.in_(sa.select(Slot.commitment_id).where(Slot.office_id.in_(office_ids))),
            Commitment.current_sha256.is_not(None),
            ~sa.exists().where(newer.replaces_id == Commitment.id),
        )
        .options(
            selectinload(Commitment.event),
            selectinload(Commitment.region),
            selectinload(Commitment.acts),
            selectinload(Commitment.slots).selectinload(Slot.acts),
            selectinload(Commitment.slots).selectinload(Slot.office).selectinload(Office.holders),
        )
        .order_by(Event.date.desc(), Event.id.desc(), Commitment.id)
    )
    if event_id is not None:
        query = query.where(Commitment.event_id == event_id)
    today = today_wib()
    items = []
    for commitment in db_session.execute(query).scalars():
        item = build_item(commitment, user, mandates, today)
        if item is not None:
            items.append(item)
    items.sort(
        key=lambda i: (
            -i.commitment.event.date.toordinal(),
            -i.commitment.event_id,
            i.commitment.region.kemendagri_code if i.commitment.region else "",
        )
    )
    return items


def group_by_event(items: list[Item]) -> list[tuple[Event, list[Item]]]:
    groups: dict[int, tuple[Event, list[Item]]] = {}
    for item in items:
        event = item.commitment.event
        groups.setdefault(event.id, (event, []))[1].append(item)
    return list(groups.values())
