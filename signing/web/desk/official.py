"""The official's steps on the desk: log in (a one-act grant, no session), choose a commitment,
the signing step, the act (through :func:`signing.workflow.submit.submit_act`, consuming the
grant in the act's own transaction), cancel, "Tambah waktu".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    current_app,
    redirect,
    render_template,
    request,
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
    Role,
    TurnOutcome,
    User,
)
from signing.web.access import role_required
from signing.web.desk.board import (
    Target,
    board_page,
    bp,
    failed_response,
    no_store,
    refusal_page,
    target_from,
)
from signing.web.desk.grants import (
    DeskRefused,
    Grant,
    close_turn,
    current_turn_of,
    desk_audit,
    desk_event,
    grant_seconds,
    issue_grant,
    item_for,
    load_grant,
    max_extensions,
    official_step,
    record_use,
    timer,
    wants_json,
    with_desk,
)
from signing.web.documents import current_geometry, load_commitment
from signing.web.inbox import (
    form_act_request,
    official_items,
    signing_context,
)
from signing.web.unit import committed
from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused
from signing.workflow.submit import submit_act

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
    _login_limit_ip,
    key_func=lambda: f"desk-login-ip:{request.remote_addr}",
    deduct_when=failed_response,
)
@limiter.limit(_login_limit_account, key_func=_login_account_key, deduct_when=failed_response)
@with_desk
def login(desk: dict[str, Any]):  # type: ignore[no-untyped-def]
    """An official authenticates on the desk: the answer carries a one-act grant, no session."""
    from signing.auth import operations

    target = target_from(request.form, desk["event_id"])
    turn = current_turn_of(desk)
    if (
        request.form.get("turn") != desk.get("turn")
        or turn is None
        or not turn.is_open
        or turn.official_id is not None
    ):
        # A login form from before the desk last returned home (e.g. Back + resubmit), or a
        # replayed cookie naming a turn that is closed or already taken by an official.
        return refusal_page(
            desk,
            DeskRefused("login_stale"),
        )
    username = (request.form.get("username") or "").strip()
    with committed():  # a refused login's audit entry is kept too
        user = operations.authenticate(db.session, username, request.form.get("password") or "")
        refused = user is None or user.role != Role.OFFICIAL
        if refused:
            desk_audit(
                desk,
                "desk.login_refused",
                {
                    "username": username[:80],
                    "reason": "credentials" if user is None else "not_an_official",
                },
            )
        else:
            desk_audit(
                desk,
                "desk.official_login",
                {"event_id": desk["event_id"], "desk_opened_by": current_user.id},
                actor=user,
            )
            now = utcnow()
            turn.official_id = user.id
            turn.granted_at = now
            turn.expires_at = now + dt.timedelta(seconds=grant_seconds())
    if refused:
        message = (
            gettext("Nama pengguna atau kata sandi salah.")
            if user is None
            else gettext("Akun ini bukan akun pejabat: hanya pejabat yang bertindak di meja ini.")
        )
        return no_store(board_page(desk, login_error=message, target=target), 401)
    assert user is not None
    grant = Grant(
        token=issue_grant(desk, turn, user), user=user, nonce="", desk_id=desk["id"], turn=turn
    )
    if target is not None:
        item = item_for(target.commitment, user)
        if item is not None and item.choices:
            _audit_step(desk, user, target.commitment, item)
            return _step_page(desk, grant, target.commitment, item, target=target)
    return _choose_page(desk, grant)


def _choose_page(  # type: ignore[no-untyped-def]
    desk: dict[str, Any], grant: Grant, *, message: str | None = None, status: int = 200
):
    event = desk_event(desk)
    items = official_items(db.session, grant.user, event_id=event.id)
    return no_store(
        render_template(
            "desk/choose.html",
            desk=desk,
            event=event,
            grant=grant,
            official=grant.user,
            items=[i for i in items if i.section == "action"],
            others=[i for i in items if i.section != "action"],
            message=message,
            **timer(grant),
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
    return no_store(
        render_template(
            "desk/step.html",
            desk=desk,
            event=desk_event(desk),
            grant=grant,
            official=grant.user,
            error=error,
            form=form,
            **timer(grant),
            **context,
        ),
        status,
    )


def _audit_step(desk: dict[str, Any], user: User, commitment: Commitment, item: Any) -> None:
    with committed():
        desk_audit(
            desk,
            "desk.step",
            {"allowed": [c.value for c in item.choices] if item is not None else []},
            actor=user,
            commitment_id=commitment.id,
        )


def _with_sentence(choice: Any, sentence: str) -> Any:
    from dataclasses import replace

    return replace(choice, sentence=sentence)


@bp.post("/langkah")
@role_required(Role.SECRETARIAT)
@official_step()
def step(desk: dict[str, Any], grant: Grant, commitment: Commitment):  # type: ignore[no-untyped-def]
    """The signing step for one commitment chosen by the authenticated official."""
    item = item_for(commitment, grant.user)
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
@limiter.limit(_passphrase_limit, key_func=_desk_passphrase_key, deduct_when=failed_response)
@official_step()
def act(desk: dict[str, Any], grant: Grant, commitment: Commitment):  # type: ignore[no-untyped-def]
    """Perform the act; the grant is consumed in the act's transaction (one grant, one act)."""
    user = grant.user

    def consume(done: Act) -> None:
        record_use(grant, desk, "act", done)
        # Closed after the locks are held: a concurrent use of the same turn has either
        # committed (seen here: undo this act) or waits behind us and is refused the same way.
        if not close_turn(grant.turn, TurnOutcome.ACT, done):
            raise refuse("grant_used")

    outcome = submit_act(db.session, form_act_request(commitment.id, after=consume), user)
    done, refused = outcome.act, outcome.refused
    if done is not None:
        return redirect(url_for(".board", selesai=done.id), code=303)
    assert refused is not None
    if refused.code == "grant_used":
        return refusal_page(desk, DeskRefused("grant_used"))
    db.session.expire_all()
    commitment = load_commitment(db.session, commitment.id)
    item = item_for(commitment, user)
    if item is None:
        return _choose_page(desk, grant, message=refused.text(), status=refused.http_status)
    return _step_page(desk, grant, commitment, item, error=refused, status=refused.http_status)


@bp.post("/batal")
@role_required(Role.SECRETARIAT)
@with_desk
def cancel(desk: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The official leaves without acting: the grant is spent all the same."""
    try:
        grant = load_grant(desk)
    except DeskRefused:
        return redirect(url_for(".board"), code=303)
    with committed():
        if close_turn(grant.turn, TurnOutcome.CANCEL):
            record_use(grant, desk, "cancel", None)
    return redirect(url_for(".board", keluar=1), code=303)


@bp.post("/tambah-waktu")
@role_required(Role.SECRETARIAT)
@official_step(commitment=False, json_refusal=True)
def extend(desk: dict[str, Any], grant: Grant, _none: None):  # type: ignore[no-untyped-def]
    """ "Tambah waktu": move the open turn's deadline, at most ``DESK_MAX_EXTENSIONS`` times.

    Answers JSON to the page's script (the countdown restarts in place, nothing typed is lost)
    and, without script, the page the official was on.
    """
    turn = grant.turn
    message = None
    status = 200
    if turn.extensions >= max_extensions():
        message = gettext(
            "Waktu tidak dapat ditambah lagi. Selesaikan tindakan Anda atau masuk kembali."
        )
        status = 409
    else:
        with committed():
            turn.extensions += 1
            turn.expires_at = utcnow() + dt.timedelta(seconds=grant_seconds())
            desk_audit(
                desk,
                "desk.extend",
                {"extensions": turn.extensions, "expires_at": turn.expires_at.isoformat()},
                actor=grant.user,
            )
    if wants_json():
        return {"ok": status == 200, "message": message, **timer(grant)}, status
    value = request.form.get("commitment_id", "")
    commitment = load_commitment(db.session, int(value)) if value.isdigit() else None
    if commitment is not None and commitment.event_id == desk["event_id"]:
        item = item_for(commitment, grant.user)
        if item is not None and item.choices:
            return _step_page(desk, grant, commitment, item, status=status)
    return _choose_page(desk, grant, message=message, status=status)
