"""The desk's turns and the officials' one-act grants (see :mod:`signing.web.desk`).

A turn is a row on the server (:class:`~signing.models.DeskTurn`); the secretariat's cookie names
it and a grant (a signed token in a hidden field) names the turn, the official and a nonce.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import (
    current_app,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from signing import audit, db
from signing.db import utcnow
from signing.models import (
    Act,
    Commitment,
    DeskTurn,
    Event,
    Role,
    TurnOutcome,
    User,
)
from signing.web.documents import load_commitment, user_mandates
from signing.web.inbox import (
    build_item,
)
from signing.web.unit import committed
from signing.workflow.refusals import CATALOGUE
from signing.workflow.rules import WorkflowRefused

SESSION_KEY = "signing_desk"
GRANT_SALT = "signing.desk.grant.v1"
DEFAULT_GRANT_SECONDS = 300
DEFAULT_WARN_SECONDS = 60
DEFAULT_MAX_EXTENSIONS = 3
#: How long after an act the board still shows it (with "Saksi berikutnya").
RECENT_ACT = dt.timedelta(minutes=15)
#: Endpoints a secretariat session may reach while its desk is open. Not even logout: an
#: official at the device could otherwise log the secretariat out and log in as themselves,
#: leaving a session of their own on the shared device. Closing the desk needs the password.
DESK_MODE_ENDPOINTS = {"static", "set_language"}


class DeskRefused(WorkflowRefused):
    """A refusal of the desk itself (its catalogue entry by key: ``DeskRefused("grant_used")``)."""

    def __init__(self, key: str) -> None:
        super().__init__(entry=CATALOGUE[key])

    @property
    def status(self) -> int:
        return self.http_status


# ----------------------------------------------------------------------------- the desk


def fingerprint(auth_session_id: str) -> str:
    return hashlib.sha256(f"desk:{auth_session_id}".encode()).hexdigest()[:32]


def grant_seconds() -> int:
    return int(current_app.config.get("DESK_GRANT_SECONDS", DEFAULT_GRANT_SECONDS))


def warn_seconds() -> int:
    return int(current_app.config.get("DESK_WARN_SECONDS", DEFAULT_WARN_SECONDS))


def max_extensions() -> int:
    return int(current_app.config.get("DESK_MAX_EXTENSIONS", DEFAULT_MAX_EXTENSIONS))


def close_open_turns(desk_id: str, outcome: TurnOutcome) -> None:
    """Close every open turn of the desk (the expired ones as expired)."""
    now = utcnow()
    base = sa.update(DeskTurn).where(DeskTurn.desk_id == desk_id, DeskTurn.closed_at.is_(None))
    db.session.execute(
        base.where(DeskTurn.expires_at.is_not(None), DeskTurn.expires_at <= now).values(
            closed_at=now, outcome=TurnOutcome.EXPIRED
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        base.values(closed_at=now, outcome=outcome),
        execution_options={"synchronize_session": False},
    )


def open_turn(desk: dict[str, Any]) -> DeskTurn:
    """Close the desk's earlier turns and open a new one (the caller commits)."""
    close_open_turns(desk["id"], TurnOutcome.SUPERSEDED)
    turn = DeskTurn(
        token=secrets.token_urlsafe(18),
        desk_id=desk["id"],
        event_id=desk["event_id"],
        opened_by_id=current_user.id,
        auth=desk["auth"],
    )
    db.session.add(turn)
    db.session.flush()
    return turn


def current_turn_of(desk: dict[str, Any]) -> DeskTurn | None:
    """The open turn the cookie names, if it really is this desk's and this login's."""
    token = desk.get("turn")
    if not isinstance(token, str) or not token:
        return None
    turn = db.session.execute(
        sa.select(DeskTurn).where(DeskTurn.token == token)
    ).scalar_one_or_none()
    if turn is None or turn.desk_id != desk["id"] or turn.auth != desk["auth"]:
        return None
    return turn


def close_turn(turn: DeskTurn, outcome: TurnOutcome, act: Act | None = None) -> bool:
    """Close ``turn`` unless it is closed already; False if someone else closed it first.

    A conditional update, so two requests racing on one turn cannot both close it: on
    PostgreSQL the second waits for the first's row lock and then finds it closed.
    """
    result = db.session.execute(
        sa.update(DeskTurn)
        .where(DeskTurn.id == turn.id, DeskTurn.closed_at.is_(None))
        .values(closed_at=utcnow(), outcome=outcome, act_id=act.id if act is not None else None),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def current_desk() -> dict[str, Any] | None:
    """The desk open in this secretariat session, if it still belongs to this login."""
    desk = session.get(SESSION_KEY)
    if not isinstance(desk, dict) or not current_user.is_authenticated:
        return None
    if desk.get("auth") != fingerprint(current_user.get_id()):
        return None
    return desk


def desk_or_start() -> dict[str, Any]:
    desk = current_desk()
    if desk is None:
        raise DeskRefused("desk_closed")
    return desk


def desk_event(desk: dict[str, Any]) -> Event:
    event = db.session.get(Event, desk["event_id"])
    if event is None:
        raise DeskRefused("desk_event_missing")
    return event


def _serializer() -> URLSafeSerializer:
    # No time limit in the token: the turn row on the server holds the deadline.
    return URLSafeSerializer(current_app.secret_key, salt=GRANT_SALT)


@dataclass(frozen=True)
class Grant:
    token: str
    user: User
    nonce: str
    desk_id: str
    turn: DeskTurn


def issue_grant(desk: dict[str, Any], turn: DeskTurn, user: User) -> str:
    payload = {
        "d": desk["id"],
        "t": turn.token,
        "u": user.id,
        "n": secrets.token_urlsafe(12),
    }
    return _serializer().dumps(payload)


GRANT_EXPIRED = DeskRefused("grant_expired")
GRANT_STALE = DeskRefused("grant_stale")
GRANT_USED = DeskRefused("grant_used")


def load_grant(desk: dict[str, Any]) -> Grant:
    """The grant of the form, valid only for the open, unexpired turn the cookie names."""
    token = request.form.get("grant") or ""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise DeskRefused("grant_invalid") from None
    if payload.get("d") != desk["id"] or payload.get("t") != desk.get("turn"):
        raise GRANT_STALE
    turn = current_turn_of(desk)
    if turn is None or turn.official_id != payload.get("u"):
        raise GRANT_STALE
    if not turn.is_open:
        if turn.outcome in (TurnOutcome.ACT, TurnOutcome.CANCEL):
            raise GRANT_USED
        if turn.outcome is TurnOutcome.EXPIRED:
            raise GRANT_EXPIRED
        raise GRANT_STALE
    if turn.expired(utcnow()):
        with committed():  # kept: the refusal does not undo the turn's end
            close_turn(turn, TurnOutcome.EXPIRED)
        raise GRANT_EXPIRED
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.active or user.role != Role.OFFICIAL:
        raise DeskRefused("desk_official_inactive")
    return Grant(token=token, user=user, nonce=payload["n"], desk_id=desk["id"], turn=turn)


def record_use(grant: Grant, desk: dict[str, Any], outcome: str, act: Act | None) -> None:
    audit.record(
        db.session,
        "desk.grant_used",
        actor=grant.user,
        object_type="desk_grant",
        object_id=grant.nonce,
        commitment_id=act.commitment_id if act is not None else None,
        details={
            "desk": desk["id"],
            "event_id": desk["event_id"],
            "outcome": outcome,
            "act_id": act.id if act is not None else None,
            "desk_opened_by": current_user.id,
        },
    )


def timer(grant: Grant) -> dict[str, Any]:
    """What the pages need for the countdown: the server's deadline is the truth."""
    turn = grant.turn
    remaining = 0
    if turn.expires_at is not None:
        # Rounded up: the page reaches zero no earlier than the server's deadline.
        remaining = max(0, math.ceil((turn.expires_at - utcnow()).total_seconds()))
    return {
        "seconds": grant_seconds(),
        "remaining": remaining,
        "warn_seconds": min(warn_seconds(), grant_seconds()),
        "extensions_left": max(0, max_extensions() - turn.extensions),
    }


def desk_commitment(desk: dict[str, Any]) -> Commitment:
    value = request.form.get("commitment_id", "")
    commitment = load_commitment(db.session, int(value)) if value.isdigit() else None
    if commitment is None or commitment.current_sha256 is None:
        raise DeskRefused("desk_document_missing")
    if commitment.event_id != desk["event_id"]:
        raise DeskRefused("desk_document_elsewhere")
    return commitment


def item_for(commitment: Commitment, user: User) -> Any:
    """What ``user`` may do on ``commitment`` now (the signing page's model), or None."""
    return build_item(commitment, user, user_mandates(db.session, user))


def official_step(*, commitment: bool = True, json_refusal: bool = False) -> Any:
    """A view of an official's step: called with the open desk, the form's valid grant and (with
    ``commitment``) the event's commitment the form names; otherwise the refusal is answered
    (the board with it, audited; JSON to a script that asked for it with ``json_refusal``)."""
    from signing.web.desk.board import refusal_page

    def wrap(view: Any) -> Any:
        @functools.wraps(view)
        def run() -> Any:
            desk = current_desk()
            try:
                desk = desk_or_start()
                grant = load_grant(desk)
                found = desk_commitment(desk) if commitment else None
            except DeskRefused as refused:
                if (
                    json_refusal and wants_json()
                ):  # nothing was written (the request's end discards)
                    return {"ok": False, "message": refused.text()}, refused.status
                return refusal_page(desk, refused)
            return view(desk, grant, found)

        return run

    return wrap


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def desk_audit(
    desk: dict[str, Any],
    action: str,
    details: dict[str, Any],
    *,
    actor: Any = None,
    commitment_id: int | None = None,
) -> None:
    """The desk's audit entry ``action`` (object: the desk); ``actor``: the secretariat unless
    an official is named."""
    audit.record(
        db.session,
        action,
        actor=actor if actor is not None else current_user,
        object_type="desk",
        object_id=desk["id"],
        commitment_id=commitment_id,
        details=details,
    )


def with_desk(view: Any) -> Any:
    """A view of the open desk: called with it; without one, back to the start page."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        desk = current_desk()
        if desk is None:
            return redirect(url_for(".start"))
        return view(desk, *args, **kwargs)

    return run
