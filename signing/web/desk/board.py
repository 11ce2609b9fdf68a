"""The secretariat's side of the desk: open it for an event, the board (the desk's home, which
opens a new turn), close it with the password; while open, the session reaches nothing else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from signing import db
from signing.db import utcnow
from signing.extensions import limiter
from signing.models import (
    Act,
    Commitment,
    Event,
    Role,
    SlotRole,
    TurnOutcome,
)
from signing.web.access import role_required
from signing.web.desk.grants import (
    DESK_MODE_ENDPOINTS,
    RECENT_ACT,
    SESSION_KEY,
    DeskRefused,
    close_open_turns,
    current_desk,
    desk_audit,
    desk_event,
    fingerprint,
    open_turn,
    with_desk,
)
from signing.web.documents import load_commitment
from signing.web.inbox import (
    DONE_WORDS,
    document_title,
)
from signing.web.unit import committed, record_refusal
from signing.workflow.status import CommitmentState, commitment_status, event_overview

bp = Blueprint("desk", __name__, url_prefix="/meja")


@bp.before_app_request
def _confine_desk_session():  # type: ignore[no-untyped-def]
    """While a desk is open, its secretariat session reaches the desk and nothing else."""
    if SESSION_KEY not in session:
        return None
    endpoint = request.endpoint or ""
    if endpoint.startswith("desk.") or endpoint in DESK_MODE_ENDPOINTS:
        return None
    desk = current_desk()
    if desk is None:
        return None
    if endpoint.startswith("documents."):
        commitment_id = (request.view_args or {}).get("commitment_id")
        commitment = db.session.get(Commitment, commitment_id) if commitment_id else None
        if commitment is not None and commitment.event_id == desk["event_id"]:
            return None
    return redirect(url_for("desk.board", terkunci=1))


def no_store(body: Any, status: int = 200):  # type: ignore[no-untyped-def]
    return body, status, {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}


def refusal_page(desk: dict[str, Any] | None, refused: DeskRefused):  # type: ignore[no-untyped-def]
    """The board with the refusal, which is audited (a spent or stale grant tried again)."""
    if desk is None:
        return redirect(url_for(".start"))
    record_refusal(
        lambda: desk_audit(
            desk,
            "desk.refused",
            {"code": refused.code, "message": refused.message, "endpoint": request.endpoint},
        )
    )
    return no_store(board_page(desk, login_error=refused.text()), refused.status)


# ----------------------------------------------------------------------------- secretariat


@bp.get("")
@role_required(Role.SECRETARIAT)
def start():  # type: ignore[no-untyped-def]
    if current_desk() is not None:
        return redirect(url_for(".board"))
    counts = dict(
        db.session.execute(
            sa.select(Commitment.event_id, sa.func.count(Commitment.id))
            .where(Commitment.current_sha256.is_not(None), Commitment.voided_at.is_(None))
            .group_by(Commitment.event_id)
        ).all()
    )
    events = list(db.session.execute(sa.select(Event).order_by(Event.date.desc())).scalars())
    return render_template("desk/start.html", events=events, counts=counts)


@bp.post("/buka")
@role_required(Role.SECRETARIAT)
def open_desk():  # type: ignore[no-untyped-def]
    event_id = request.form.get("event_id", "")
    event = db.session.get(Event, int(event_id)) if event_id.isdigit() else None
    if event is None:
        return no_store(render_template("desk/start.html", events=[], counts={}), 404)
    desk = {
        "id": secrets.token_urlsafe(12),
        "event_id": event.id,
        "auth": fingerprint(current_user.get_id()),
        "turn": None,  # the board opens the first turn
        "opened_at": utcnow().isoformat(),
    }
    with committed():
        desk_audit(desk, "desk.open", {"event_id": event.id, "event": event.name})
    session[SESSION_KEY] = desk
    return redirect(url_for(".board"), code=303)


def _close_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def failed_response(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code in (400, 401, 403, 409, 422, 429)


@bp.post("/tutup")
@role_required(Role.SECRETARIAT)
@limiter.limit(
    _close_limit, key_func=lambda: f"desk-close:{request.remote_addr}", deduct_when=failed_response
)
def close():  # type: ignore[no-untyped-def]
    from signing.auth.passwords import check_password

    desk = current_desk()
    if desk is None:
        session.pop(SESSION_KEY, None)
        return redirect(url_for(".start"))
    if not check_password(current_user.password_hash, request.form.get("password") or ""):
        with committed():
            desk_audit(desk, "desk.close_refused", {"reason": "wrong_password"})
        return no_store(
            board_page(
                desk, close_error=gettext("Kata sandi sekretariat salah; meja tetap terbuka.")
            ),
            401,
        )
    with committed():
        desk_audit(desk, "desk.close", {"event_id": desk["event_id"]})
        close_open_turns(desk["id"], TurnOutcome.DESK_CLOSED)
    session.pop(SESSION_KEY, None)
    return redirect(url_for(".start"), code=303)


# ----------------------------------------------------------------------------- the board


@dataclass(frozen=True)
class Target:
    """Who the desk waits for next: a commitment, a slot, and for a witness the act attested."""

    commitment: Commitment
    role: SlotRole
    attests: Act | None

    @property
    def office_title(self) -> str:
        return self.commitment.slot(self.role).office.title


def target_from(values: Any, event_id: int) -> Target | None:
    cid = str(values.get("komitmen") or "")
    role = str(values.get("peran") or "")
    if not cid.isdigit():
        return None
    commitment = load_commitment(db.session, int(cid))
    if commitment is None or commitment.event_id != event_id:
        return None
    try:
        slot_role = SlotRole(role)
    except ValueError:
        return None
    attests_id = str(values.get("saksi") or "")
    attests = next((a for a in commitment.acts if str(a.id) == attests_id), None)
    return Target(commitment=commitment, role=slot_role, attests=attests)


def _recent_act(event_id: int) -> Act | None:
    value = request.args.get("selesai", "")
    if not value.isdigit():
        return None
    act = db.session.get(Act, int(value))
    if act is None or act.commitment.event_id != event_id:
        return None
    if act.created_at < utcnow() - RECENT_ACT:
        return None
    return act


def _next_witnesses(act: Act) -> list[tuple[SlotRole, str]]:
    """Witness slots that may attest ``act`` right now (the desk's "Saksi berikutnya")."""
    from signing.models import ActKind

    if act.kind not in (ActKind.SIGN, ActKind.PARAF):
        return []
    commitment = load_commitment(db.session, act.commitment_id)
    if commitment is None:
        return []
    status = commitment_status(commitment)
    return [
        (role, commitment.slot(role).office.title) for role in status.whose_turn if role.is_witness
    ]


def board_page(
    desk: dict[str, Any],
    *,
    login_error: str | None = None,
    close_error: str | None = None,
    target: Target | None = None,
) -> str:
    event = desk_event(desk)
    rows = [
        (commitment, status)
        for commitment, status in event_overview(db.session, event.id)
        if commitment.current_sha256 is not None
    ]
    recent = _recent_act(event.id)
    return render_template(
        "desk/board.html",
        desk=desk,
        event=event,
        rows=rows,
        recent=recent,
        recent_title=document_title(recent.commitment) if recent is not None else None,
        next_witnesses=_next_witnesses(recent) if recent is not None else [],
        done_words=DONE_WORDS,
        target=target,
        login_error=login_error,
        close_error=close_error,
        locked=request.args.get("terkunci") == "1",
        closed_states=(CommitmentState.COMPLETE, CommitmentState.VOID),
    )


@bp.get("/papan")
@role_required(Role.SECRETARIAT)
@with_desk
def board(desk: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The desk's home. Showing it starts a new turn: any earlier grant is void from now on."""
    with committed():
        turn = open_turn(desk)
    desk = {**desk, "turn": turn.token}
    session[SESSION_KEY] = desk
    target = target_from(request.args, desk["event_id"])
    return no_store(board_page(desk, target=target))
