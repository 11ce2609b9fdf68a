"""The signing desk ("Meja Tanda Tangan"): one shared device in the meeting room.

The secretariat opens the desk for one event; officials then come to the device one after the
other, authenticate on it, act once and are logged out by the act itself.

How the sessions are kept apart
-------------------------------
- **The desk** lives in the secretariat's own login session (cookie), as
  ``session["signing_desk"]``: a random desk id, the event, a fingerprint of the secretariat's
  server-side login session (the desk dies with that login) and the token naming the current
  *turn*. The turn itself is a row on the server (:class:`~signing.models.DeskTurn`); the
  cookie only names it, so replaying an old cookie names a closed turn. While a desk is
  open the secretariat's session is confined to the desk (a ``before_app_request`` hook sends
  every other page back to the board), so an official at the device cannot use the
  secretariat's rights. Closing the desk asks for the secretariat's password again.
- **An official** never gets a login session. Username and password are checked on the desk
  (``POST /meja/masuk``), and the answer is a page carrying a *grant*: a signed, short-lived
  token naming the desk, the desk's current turn, the official and a random nonce, in a hidden
  form field only. The turn row records the official and a deadline (``DESK_GRANT_SECONDS``,
  default 300 s), checked by the server on every request; the page counts down, warns
  ``DESK_WARN_SECONDS`` before the end and "Tambah waktu" moves the deadline on the server, at
  most ``DESK_MAX_EXTENSIONS`` times. Nothing is written to the cookie
  session during the official's steps (no ``login_user``, no ``flash``), and every official page
  is ``Cache-Control: no-store``.
- **The turn is consumed by the act**: the act's own transaction closes the turn row with a
  conditional update (``closed_at IS NULL``); if it was already closed the whole act is rolled
  back (so one turn can never make two acts, even concurrently). The ``desk.grant_used`` audit
  entry (object = the nonce) is written there too. Cancelling closes the turn the same way.
- **A new turn is opened whenever the board (the desk's home) is shown**, and every earlier
  open turn of the desk is closed: a grant, or a replayed login form or cookie, from before the
  board was last shown is refused. So "Back" + "resubmit" after an official left cannot bring
  their step back, and the step pages return to the board when the deadline passes.

Every step is in the audit trail: ``desk.open``, ``desk.official_login`` /
``auth.login_failed`` and ``desk.login_refused``, ``desk.step`` (the document an official
opened), the act itself (``act.*`` / ``act.refused`` as everywhere), ``desk.grant_used``
(outcome ``act`` or ``cancel``: the automatic logout), ``desk.refused`` (a spent, stale or
expired grant or login form tried), ``desk.extend`` ("Tambah waktu"), ``desk.close`` /
``desk.close_refused``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
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
from itsdangerous import BadSignature, URLSafeSerializer

from signing import audit, db
from signing.db import utcnow
from signing.extensions import limiter
from signing.models import (
    Act,
    Commitment,
    DeskTurn,
    Event,
    Role,
    SlotRole,
    TurnOutcome,
    User,
)
from signing.web.access import role_required
from signing.web.documents import current_geometry, load_commitment, user_mandates
from signing.web.inbox import (
    DONE_WORDS,
    build_item,
    document_title,
    form_act_request,
    official_items,
    signing_context,
)
from signing.workflow.refusals import CATALOGUE, refuse
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import CommitmentState, commitment_status, event_overview
from signing.workflow.submit import submit_act

bp = Blueprint("desk", __name__, url_prefix="/meja")

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


def _fingerprint(auth_session_id: str) -> str:
    return hashlib.sha256(f"desk:{auth_session_id}".encode()).hexdigest()[:32]


def _grant_seconds() -> int:
    return int(current_app.config.get("DESK_GRANT_SECONDS", DEFAULT_GRANT_SECONDS))


def _warn_seconds() -> int:
    return int(current_app.config.get("DESK_WARN_SECONDS", DEFAULT_WARN_SECONDS))


def _max_extensions() -> int:
    return int(current_app.config.get("DESK_MAX_EXTENSIONS", DEFAULT_MAX_EXTENSIONS))


def _close_open_turns(desk_id: str, outcome: TurnOutcome) -> None:
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


def _open_turn(desk: dict[str, Any]) -> DeskTurn:
    """Close the desk's earlier turns and open a new one (the caller commits)."""
    _close_open_turns(desk["id"], TurnOutcome.SUPERSEDED)
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


def _current_turn(desk: dict[str, Any]) -> DeskTurn | None:
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


def _close_turn(turn: DeskTurn, outcome: TurnOutcome, act: Act | None = None) -> bool:
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
    if desk.get("auth") != _fingerprint(current_user.get_id()):
        return None
    return desk


def _desk_or_start() -> dict[str, Any]:
    desk = current_desk()
    if desk is None:
        raise DeskRefused("desk_closed")
    return desk


def _event(desk: dict[str, Any]) -> Event:
    event = db.session.get(Event, desk["event_id"])
    if event is None:
        raise DeskRefused("desk_event_missing")
    return event


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


def _issue_grant(desk: dict[str, Any], turn: DeskTurn, user: User) -> str:
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


def _load_grant(desk: dict[str, Any]) -> Grant:
    """The grant of the form, valid only for the open, unexpired turn the cookie names."""
    token = request.form.get("grant") or ""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise DeskRefused("grant_invalid") from None
    if payload.get("d") != desk["id"] or payload.get("t") != desk.get("turn"):
        raise GRANT_STALE
    turn = _current_turn(desk)
    if turn is None or turn.official_id != payload.get("u"):
        raise GRANT_STALE
    if not turn.is_open:
        if turn.outcome in (TurnOutcome.ACT, TurnOutcome.CANCEL):
            raise GRANT_USED
        if turn.outcome is TurnOutcome.EXPIRED:
            raise GRANT_EXPIRED
        raise GRANT_STALE
    if turn.expired(utcnow()):
        _close_turn(turn, TurnOutcome.EXPIRED)
        db.session.commit()
        raise GRANT_EXPIRED
    user = db.session.get(User, payload.get("u"))
    if user is None or not user.active or user.role != Role.OFFICIAL:
        raise DeskRefused("desk_official_inactive")
    return Grant(token=token, user=user, nonce=payload["n"], desk_id=desk["id"], turn=turn)


def _record_use(grant: Grant, desk: dict[str, Any], outcome: str, act: Act | None) -> None:
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


def _no_store(body: Any, status: int = 200):  # type: ignore[no-untyped-def]
    return body, status, {"Cache-Control": "no-store, max-age=0", "Pragma": "no-cache"}


def _refusal_page(desk: dict[str, Any] | None, refused: DeskRefused):  # type: ignore[no-untyped-def]
    """The board with the refusal, which is audited (a spent or stale grant tried again)."""
    if desk is None:
        return redirect(url_for(".start"))
    db.session.rollback()
    audit.record(
        db.session,
        "desk.refused",
        actor=current_user,
        object_type="desk",
        object_id=desk["id"],
        details={"code": refused.code, "message": refused.message, "endpoint": request.endpoint},
    )
    db.session.commit()
    return _no_store(_board_page(desk, login_error=refused.text()), refused.status)


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
        return _no_store(render_template("desk/start.html", events=[], counts={}), 404)
    desk = {
        "id": secrets.token_urlsafe(12),
        "event_id": event.id,
        "auth": _fingerprint(current_user.get_id()),
        "turn": None,  # the board opens the first turn
        "opened_at": utcnow().isoformat(),
    }
    audit.record(
        db.session,
        "desk.open",
        actor=current_user,
        object_type="desk",
        object_id=desk["id"],
        details={"event_id": event.id, "event": event.name},
    )
    db.session.commit()
    session[SESSION_KEY] = desk
    return redirect(url_for(".board"), code=303)


def _close_limit() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code in (400, 401, 403, 409, 422, 429)


@bp.post("/tutup")
@role_required(Role.SECRETARIAT)
@limiter.limit(
    _close_limit, key_func=lambda: f"desk-close:{request.remote_addr}", deduct_when=_failed
)
def close():  # type: ignore[no-untyped-def]
    from signing.auth.passwords import check_password

    desk = current_desk()
    if desk is None:
        session.pop(SESSION_KEY, None)
        return redirect(url_for(".start"))
    if not check_password(current_user.password_hash, request.form.get("password") or ""):
        audit.record(
            db.session,
            "desk.close_refused",
            actor=current_user,
            object_type="desk",
            object_id=desk["id"],
            details={"reason": "wrong_password"},
        )
        db.session.commit()
        return _no_store(
            _board_page(
                desk, close_error=gettext("Kata sandi sekretariat salah; meja tetap terbuka.")
            ),
            401,
        )
    audit.record(
        db.session,
        "desk.close",
        actor=current_user,
        object_type="desk",
        object_id=desk["id"],
        details={"event_id": desk["event_id"]},
    )
    _close_open_turns(desk["id"], TurnOutcome.DESK_CLOSED)
    db.session.commit()
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


def _target_from(values: Any, event_id: int) -> Target | None:
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


def _board_page(
    desk: dict[str, Any],
    *,
    login_error: str | None = None,
    close_error: str | None = None,
    target: Target | None = None,
) -> str:
    event = _event(desk)
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
def board():  # type: ignore[no-untyped-def]
    """The desk's home. Showing it starts a new turn: any earlier grant is void from now on."""
    desk = current_desk()
    if desk is None:
        return redirect(url_for(".start"))
    turn = _open_turn(desk)
    db.session.commit()
    desk = {**desk, "turn": turn.token}
    session[SESSION_KEY] = desk
    target = _target_from(request.args, desk["event_id"])
    return _no_store(_board_page(desk, target=target))


# ----------------------------------------------------------------------------- officials


def _login_limit_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _login_account_key() -> str:
    return "desk-login:" + (request.form.get("username") or "").strip().lower()[:80]


def _login_limit_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


@bp.post("/masuk")
@role_required(Role.SECRETARIAT)
@limiter.limit(
    _login_limit_ip, key_func=lambda: f"desk-login-ip:{request.remote_addr}", deduct_when=_failed
)
@limiter.limit(_login_limit_account, key_func=_login_account_key, deduct_when=_failed)
def login():  # type: ignore[no-untyped-def]
    """An official authenticates on the desk: the answer carries a one-act grant, no session."""
    from signing.auth import operations

    desk = current_desk()
    if desk is None:
        return redirect(url_for(".start"))
    target = _target_from(request.form, desk["event_id"])
    turn = _current_turn(desk)
    if (
        request.form.get("turn") != desk.get("turn")
        or turn is None
        or not turn.is_open
        or turn.official_id is not None
    ):
        # A login form from before the desk last returned home (e.g. Back + resubmit), or a
        # replayed cookie naming a turn that is closed or already taken by an official.
        return _refusal_page(
            desk,
            DeskRefused("login_stale"),
        )
    username = (request.form.get("username") or "").strip()
    user = operations.authenticate(db.session, username, request.form.get("password") or "")
    if user is None or user.role != Role.OFFICIAL:
        audit.record(
            db.session,
            "desk.login_refused",
            actor=current_user,
            object_type="desk",
            object_id=desk["id"],
            details={
                "username": username[:80],
                "reason": "credentials" if user is None else "not_an_official",
            },
        )
        db.session.commit()
        message = (
            gettext("Nama pengguna atau kata sandi salah.")
            if user is None
            else gettext("Akun ini bukan akun pejabat: hanya pejabat yang bertindak di meja ini.")
        )
        return _no_store(_board_page(desk, login_error=message, target=target), 401)
    audit.record(
        db.session,
        "desk.official_login",
        actor=user,
        object_type="desk",
        object_id=desk["id"],
        details={"event_id": desk["event_id"], "desk_opened_by": current_user.id},
    )
    now = utcnow()
    turn.official_id = user.id
    turn.granted_at = now
    turn.expires_at = now + dt.timedelta(seconds=_grant_seconds())
    db.session.commit()
    grant = Grant(
        token=_issue_grant(desk, turn, user), user=user, nonce="", desk_id=desk["id"], turn=turn
    )
    if target is not None:
        item = build_item(target.commitment, user, user_mandates(db.session, user))
        if item is not None and item.choices:
            _audit_step(desk, user, target.commitment, item)
            return _step_page(desk, grant, target.commitment, item, target=target)
    return _choose_page(desk, grant)


def _timer(grant: Grant) -> dict[str, Any]:
    """What the pages need for the countdown: the server's deadline is the truth."""
    turn = grant.turn
    remaining = 0
    if turn.expires_at is not None:
        # Rounded up: the page reaches zero no earlier than the server's deadline.
        remaining = max(0, math.ceil((turn.expires_at - utcnow()).total_seconds()))
    return {
        "seconds": _grant_seconds(),
        "remaining": remaining,
        "warn_seconds": min(_warn_seconds(), _grant_seconds()),
        "extensions_left": max(0, _max_extensions() - turn.extensions),
    }


def _choose_page(  # type: ignore[no-untyped-def]
    desk: dict[str, Any], grant: Grant, *, message: str | None = None, status: int = 200
):
    event = _event(desk)
    items = official_items(db.session, grant.user, event_id=event.id)
    return _no_store(
        render_template(
            "desk/choose.html",
            desk=desk,
            event=event,
            grant=grant,
            official=grant.user,
            items=[i for i in items if i.section == "action"],
            others=[i for i in items if i.section != "action"],
            message=message,
            **_timer(grant),
        ),
        status,
    )


def _step_page(
    desk: dict[str, Any],
    grant: Grant,
    commitment: Commitment,
    item: Any,
    *,
    target: Target | None = None,
    error: WorkflowRefused | None = None,
    status: int = 200,
):  # type: ignore[no-untyped-def]
    geometry = current_geometry(db.session, commitment)
    context = signing_context(commitment, item, geometry)
    form: dict[str, Any] = dict(request.form)
    if target is not None:
        preferred = next((c for c in context["choices"] if c.role is target.role), None)
        if preferred is not None:
            context["selected"] = preferred.value
            context["selected_choice"] = preferred
            context["active_field"] = preferred.field_name
        if target.attests is not None:
            form["attests"] = str(target.attests.id)
            for act, sentence in context["attest_options"]:
                if act.id == target.attests.id and preferred is not None:
                    if preferred.kind.value == "witness":
                        context["selected_choice"] = _with_sentence(preferred, sentence)
    form.pop("password", None)
    form.pop("passphrase", None)
    return _no_store(
        render_template(
            "desk/step.html",
            desk=desk,
            event=_event(desk),
            grant=grant,
            official=grant.user,
            error=error,
            form=form,
            **_timer(grant),
            **context,
        ),
        status,
    )


def _audit_step(desk: dict[str, Any], user: User, commitment: Commitment, item: Any) -> None:
    audit.record(
        db.session,
        "desk.step",
        actor=user,
        object_type="desk",
        object_id=desk["id"],
        commitment_id=commitment.id,
        details={"allowed": [c.value for c in item.choices] if item is not None else []},
    )
    db.session.commit()


def _with_sentence(choice: Any, sentence: str) -> Any:
    from dataclasses import replace

    return replace(choice, sentence=sentence)


def _desk_commitment(desk: dict[str, Any]) -> Commitment:
    value = request.form.get("commitment_id", "")
    commitment = load_commitment(db.session, int(value)) if value.isdigit() else None
    if commitment is None or commitment.current_sha256 is None:
        raise DeskRefused("desk_document_missing")
    if commitment.event_id != desk["event_id"]:
        raise DeskRefused("desk_document_elsewhere")
    return commitment


@bp.post("/langkah")
@role_required(Role.SECRETARIAT)
def step():  # type: ignore[no-untyped-def]
    """The signing step for one commitment chosen by the authenticated official."""
    desk = current_desk()
    try:
        desk = _desk_or_start()
        grant = _load_grant(desk)
        commitment = _desk_commitment(desk)
    except DeskRefused as refused:
        return _refusal_page(desk, refused)
    item = build_item(commitment, grant.user, user_mandates(db.session, grant.user))
    _audit_step(desk, grant.user, commitment, item)
    if item is None:
        return _choose_page(
            desk,
            grant,
            message=gettext(
                "Ini bukan bagian tanda tangan Anda: dokumen itu tidak memuat bagian tanda "
                "tangan Anda."
            ),
            status=403,
        )
    return _step_page(desk, grant, commitment, item)


def _desk_passphrase_key() -> str:
    return f"desk-passphrase:{request.remote_addr}"


def _passphrase_limit() -> str:
    return current_app.config.get("PASSPHRASE_LIMIT", "5 per minute")


@bp.post("/tindakan")
@role_required(Role.SECRETARIAT)
@limiter.limit(_passphrase_limit, key_func=_desk_passphrase_key, deduct_when=_failed)
def act():  # type: ignore[no-untyped-def]
    """Perform the act; the grant is consumed in the act's transaction (one grant, one act)."""
    desk = current_desk()
    try:
        desk = _desk_or_start()
        grant = _load_grant(desk)
        commitment = _desk_commitment(desk)
    except DeskRefused as refused:
        return _refusal_page(desk, refused)
    user = grant.user

    def consume(done: Act) -> None:
        _record_use(grant, desk, "act", done)
        # Closed after the locks are held: a concurrent use of the same turn has either
        # committed (seen here: undo this act) or waits behind us and is refused the same way.
        if not _close_turn(grant.turn, TurnOutcome.ACT, done):
            raise refuse("grant_used")

    outcome = submit_act(db.session, form_act_request(commitment.id, after=consume), user)
    done, refused = outcome.act, outcome.refused
    if done is not None:
        return redirect(url_for(".board", selesai=done.id), code=303)
    assert refused is not None
    if refused.code == "grant_used":
        return _refusal_page(desk, DeskRefused("grant_used"))
    db.session.expire_all()
    commitment = load_commitment(db.session, commitment.id)
    item = build_item(commitment, user, user_mandates(db.session, user))
    if item is None:
        return _choose_page(desk, grant, message=refused.text(), status=refused.http_status)
    return _step_page(desk, grant, commitment, item, error=refused, status=refused.http_status)


@bp.post("/batal")
@role_required(Role.SECRETARIAT)
def cancel():  # type: ignore[no-untyped-def]
    """The official leaves without acting: the grant is spent all the same."""
    desk = current_desk()
    if desk is None:
        return redirect(url_for(".start"))
    try:
        grant = _load_grant(desk)
    except DeskRefused:
        return redirect(url_for(".board"), code=303)
    if _close_turn(grant.turn, TurnOutcome.CANCEL):
        _record_use(grant, desk, "cancel", None)
    db.session.commit()
    return redirect(url_for(".board", keluar=1), code=303)


@bp.post("/tambah-waktu")
@role_required(Role.SECRETARIAT)
def extend():  # type: ignore[no-untyped-def]
    """ "Tambah waktu": move the open turn's deadline, at most ``DESK_MAX_EXTENSIONS`` times.

    Answers JSON to the page's script (the countdown restarts in place, nothing typed is lost)
    and, without script, the page the official was on.
    """
    desk = current_desk()
    try:
        desk = _desk_or_start()
        grant = _load_grant(desk)
    except DeskRefused as refused:
        if _wants_json():
            db.session.rollback()
            return {"ok": False, "message": refused.text()}, refused.status
        return _refusal_page(desk, refused)
    turn = grant.turn
    message = None
    status = 200
    if turn.extensions >= _max_extensions():
        message = gettext(
            "Waktu tidak dapat ditambah lagi. Selesaikan tindakan Anda atau masuk kembali."
        )
        status = 409
    else:
        turn.extensions += 1
        turn.expires_at = utcnow() + dt.timedelta(seconds=_grant_seconds())
        audit.record(
            db.session,
            "desk.extend",
            actor=grant.user,
            object_type="desk",
            object_id=desk["id"],
            details={"extensions": turn.extensions, "expires_at": turn.expires_at.isoformat()},
        )
        db.session.commit()
    if _wants_json():
        return {"ok": status == 200, "message": message, **_timer(grant)}, status
    value = request.form.get("commitment_id", "")
    commitment = load_commitment(db.session, int(value)) if value.isdigit() else None
    if commitment is not None and commitment.event_id == desk["event_id"]:
        item = build_item(commitment, grant.user, user_mandates(db.session, grant.user))
        if item is not None and item.choices:
            return _step_page(desk, grant, commitment, item, status=status)
    return _choose_page(desk, grant, message=message, status=status)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"
