"""The one path of an act: :func:`submit_act` owns the transaction, the rollback and the refusal.

Every front end that acts (the signing page, the signing desk, bulk signing, the API, the demo
command) builds an :class:`ActRequest` from what it received and calls :func:`submit_act`; none
of them opens, commits or rolls back an act's transaction itself::

    outcome = submit_act(db.session, ActRequest(commitment_id=..., role=..., kind=...,
                                                passphrase=..., ip=..., user_agent=...), user)
    if outcome.refused is not None:
        return error(outcome.refused)       # already on record, already committed
    return done(outcome.act)                # already committed

What it guarantees:

- The rules of the request itself (a choice made, a decline's reason, a passphrase, the
  confirmation) are one check, :meth:`ActRequest.problem`, the same for every front end; a
  problem is refused before the key or the commitment is touched.
- :func:`~signing.workflow.operations.perform_act` starts the transaction (it takes the
  commitment's lock first), so whatever the session held before is committed first.
- A refusal's ``act.refused`` audit entry and the key store's failed-passphrase count are
  committed even though the act is rolled back.
- ``after(act)`` runs inside the act's transaction before the commit (the desk consumes its
  one-act authorisation there); a :class:`WorkflowRefused` from it undoes the act, and the
  refusal is recorded on its own.
- Anything else that fails rolls the act back and propagates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from signing.models import Act, ActKind, Capacity, SlotRole, User
from signing.workflow.operations import perform_act, record_refusal
from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused

__all__ = ["ActOutcome", "ActRequest", "refuse_act", "submit_act"]


@dataclass(frozen=True)
class ActRequest:
    """One act as a front end asks for it: what, by which passphrase, from where.

    ``role`` or ``kind`` is None when the form named no (valid) choice; ``confirmed`` is False
    when the signing page's confirmation box was left empty (the API and the desk's callers
    confirm by the request itself). ``audit_details`` go into the act's audit entry or the
    refusal's (the API names its token there).
    """

    commitment_id: int
    role: SlotRole | None
    kind: ActKind | None
    passphrase: str | None
    capacity: Capacity | None = None
    #: A decline's reason, or any other act's optional note (stored, never in the PDF).
    reason: str | None = None
    attests_act_id: int | None = None
    confirmed: bool = True
    ip: str | None = None
    user_agent: str | None = None
    audit_details: Mapping[str, Any] = field(default_factory=dict)
    #: Runs inside the act's transaction, before the commit; may raise WorkflowRefused.
    after: Callable[[Act], None] | None = None

    def problem(self) -> WorkflowRefused | None:
        """What is missing from the request itself (the rules check the rest, under the lock)."""
        if self.kind is None or self.role is None:
            return refuse("no_choice")
        if self.kind is ActKind.DECLINE and not (self.reason or "").strip():
            return refuse("reason_required")
        if not self.passphrase:
            # A missing passphrase never reaches the key store: it would count as a wrong one.
            return refuse("passphrase_required")
        if not self.confirmed:
            return refuse("not_confirmed")
        return None

    def act_arguments(self) -> dict[str, Any]:
        """The request as :func:`~signing.workflow.operations.perform_act` takes it."""
        return {
            "commitment_id": self.commitment_id,
            "role": self.role,
            "kind": self.kind,
            "passphrase": self.passphrase,
            "capacity": self.capacity,
            "reason": self.reason,
            "attests_act_id": self.attests_act_id if self.kind is ActKind.WITNESS else None,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "audit_details": dict(self.audit_details),
        }

    def refusal_details(self) -> dict[str, Any]:
        """What a refusal decided outside :func:`perform_act` records about the request."""
        return {
            "role": self.role.value if self.role is not None else None,
            "kind": self.kind.value if self.kind is not None else None,
            **self.audit_details,
        }


@dataclass(frozen=True)
class ActOutcome:
    """The committed act, or the committed refusal."""

    act: Act | None = None
    refused: WorkflowRefused | None = None


def refuse_act(
    db_session: Session, request: ActRequest, actor: User, refused: WorkflowRefused
) -> ActOutcome:
    """Undo whatever the transaction holds, record ``refused`` for ``request`` and commit it.

    For a refusal decided outside the act itself: a problem of the request, a body the API
    could not read, the desk's ``after`` finding its authorisation spent.
    """
    db_session.rollback()
    record_refusal(
        db_session,
        refused,
        user=actor,
        commitment_id=request.commitment_id,
        ip=request.ip,
        user_agent=request.user_agent,
        **request.refusal_details(),
    )
    db_session.commit()
    return ActOutcome(refused=refused)


def submit_act(
    db_session: Session, request: ActRequest, actor: User, *, now: dt.datetime | None = None
) -> ActOutcome:
    """Check ``request``, perform the act as ``actor``, run ``request.after``, commit once.

    Returns the committed act, or the refusal whose audit entry (and passphrase failure count)
    is committed; any other error rolls the act back and propagates.
    """
    problem = request.problem()
    if problem is not None:
        return refuse_act(db_session, request, actor, problem)
    # perform_act must start the transaction (it takes the commitment's lock first).
    db_session.commit()
    try:
        act = perform_act(db_session, user=actor, now=now, **request.act_arguments())
    except WorkflowRefused as refused:
        db_session.commit()  # perform_act recorded it (after rolling back what it wrote)
        return ActOutcome(refused=refused)
    except Exception:
        db_session.rollback()
        raise
    if request.after is not None:
        try:
            request.after(act)
        except WorkflowRefused as refused:
            return refuse_act(db_session, request, actor, refused)
        except Exception:
            db_session.rollback()
            raise
    db_session.commit()
    return ActOutcome(act=act)
