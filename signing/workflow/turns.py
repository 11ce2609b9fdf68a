"""Whose turn it is, told: notifications after an act, reminders, and where they link to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from signing import audit
from signing.models import Act, ActKind, Capacity, Commitment, Slot, SlotRole, User
from signing.notifications import notify
from signing.workflow.mandates import office_mandates_statement, require_secretariat
from signing.workflow.refusals import refuse
from signing.workflow.routing import SlotState
from signing.workflow.rules import today_wib
from signing.workflow.status import CommitmentStatus, commitment_status, event_overview

#: Where a commitment is shown to officials (linked from notifications).
COMMITMENT_PATH = "/komitmen/{id}"


def commitment_url(commitment: Commitment) -> str:
    return COMMITMENT_PATH.format(id=commitment.id, code=commitment.code)


def slot_recipients(db_session: Session, slot: Slot, today: dt.date | None = None) -> list[User]:
    """Who should hear about a slot: the office's current holder(s) with an account, and
    holders of a mandate for it valid today."""
    today = today or today_wib()
    users: dict[int, User] = {}
    for holder in slot.office.holders:
        if holder.ended_on is None and holder.user is not None and holder.user.active:
            users[holder.user.id] = holder.user
    mandates = db_session.execute(
        office_mandates_statement(), {"office_id": slot.office_id}
    ).scalars()
    commitment = slot.commitment
    for mandate in mandates:
        if mandate.is_valid_on(today) and mandate.event_id in (None, commitment.event_id):
            if mandate.deputy.active:
                users.setdefault(mandate.deputy.id, mandate.deputy)
    return list(users.values())


def _notify_slot(
    db_session: Session, slot: Slot, template: str, *, skip: int | None = None, **values: Any
) -> list:
    """Tell everyone who answers for ``slot`` (but the user ``skip``), about its commitment."""
    commitment = slot.commitment
    region = commitment.region.name if commitment.region is not None else commitment.number
    return [
        notify(
            db_session,
            user,
            template,
            url=commitment_url(commitment),
            commitment=commitment,
            region=region,
            number=commitment.number,
            office=slot.office.title,
            **values,
        )
        for user in slot_recipients(db_session, slot)
        if user.id != skip
    ]


def notify_turn(
    db_session: Session, commitment: Commitment, role: SlotRole, *, reminder: bool
) -> list:
    return _notify_slot(
        db_session, commitment.slot(role), "turn", witness=role.is_witness, reminder=reminder
    )


def notify_after_act(
    db_session: Session,
    commitment: Commitment,
    act: Act,
    before: CommitmentStatus,
    after: CommitmentStatus,
) -> None:
    for role in after.whose_turn:
        if role not in before.whose_turn:
            notify_turn(db_session, commitment, role, reminder=False)
    if act.kind is ActKind.PARAF and act.capacity is Capacity.STAND_IN and act.slot is not None:
        _notify_slot(
            db_session,
            act.slot,
            "paraf_on_behalf",
            skip=act.actor_user_id,
            actor=act.actor_name,
            actor_office=act.actor_office_title,
        )


# ------------------------------------------------------------------------------ reminders


def send_reminder(
    db_session: Session, commitment: Commitment, role: SlotRole | str, *, actor: Any
) -> list:
    """Remind whoever holds ``role`` on ``commitment`` that it is their turn (inbox + mail).

    :raises WorkflowRefused: ``not_your_turn`` when nothing is owed by that slot now.
    """
    require_secretariat(actor, "forbidden_remind")
    role = SlotRole(role)
    status = commitment_status(commitment)
    if role not in status.whose_turn:
        state = status.slots[role].state
        done = state in (SlotState.SIGNED, SlotState.DECLINED)
        raise refuse("remind_done" if done else "remind_not_yet", state=state.label)
    sent = notify_turn(db_session, commitment, role, reminder=True)
    db_session.flush()
    audit.record_on_commitment(
        db_session,
        "reminder.send",
        commitment,
        actor=actor,
        details={"role": role.value, "recipients": [n.user_id for n in sent]},
    )
    return sent


def send_event_reminders(db_session: Session, event_id: int, *, actor: Any) -> list:
    """Remind every slot whose turn it is, on every open commitment of the event."""
    sent: list = []
    for commitment, status in event_overview(db_session, event_id):
        for role in status.whose_turn:
            sent.extend(send_reminder(db_session, commitment, role, actor=actor))
    return sent
