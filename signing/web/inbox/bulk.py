"""Bulk signing (``POST /kotak-masuk/tanda-tangan``): several commitments, one passphrase entry,
each signature its own act through :func:`signing.workflow.submit.submit_act`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext
from flask_login import current_user

from signing import db
from signing.extensions import login_manager
from signing.models import (
    ActKind,
    Commitment,
    Role,
    SlotRole,
    User,
)
from signing.web.documents import (
    may_view,
)
from signing.web.errors import error_response
from signing.web.inbox.common import (
    STOP_CODES,
    bp,
    client_agent,
    client_ip,
    official,
    passphrase_throttle,
)
from signing.web.inbox.items import (
    document_title,
)
from signing.workflow.submit import ActRequest, submit_act

# ----------------------------------------------------------------------------- bulk signing


@dataclass
class BulkResult:
    commitment_id: int
    title: str
    ok: bool
    message: str
    status: int
    code: str | None = None


def _wants_json() -> bool:
    return "application/json" in (request.headers.get("Accept") or "")


def _parse_bulk_items(values: list[str]) -> list[tuple[int, SlotRole]]:
    out = []
    seen = set()
    for value in values:
        cid, _, role = value.partition(":")
        try:
            parsed = (int(cid), SlotRole(role))
        except ValueError:
            continue
        if parsed not in seen:
            seen.add(parsed)
            out.append(parsed)
    return out


def _title_of(commitment_id: int, user: User) -> str:
    """The document's title when ``user`` may read it, else only its number: a bulk request
    names any id it likes, and the answer must not tell other regions' titles."""
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or not may_view(db.session, user, commitment):
        return gettext("Dokumen %(id)s", id=commitment_id)
    return document_title(commitment)


def _bulk_request(commitment_id: int, role: SlotRole, passphrase: str) -> ActRequest:
    """One signature of a bulk run (the page's single confirmation box covers them all)."""
    return ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=ActKind.SIGN,
        passphrase=passphrase,
        confirmed=request.form.get("confirm") == "1",
        ip=client_ip(),
        user_agent=client_agent(),
    )


def _bulk_one(user: User, commitment_id: int, role: SlotRole, passphrase: str) -> BulkResult:
    outcome = submit_act(db.session, _bulk_request(commitment_id, role, passphrase), user)
    done, refused = outcome.act, outcome.refused
    title = _title_of(commitment_id, user)
    if done is not None:
        return BulkResult(commitment_id, title, True, gettext("Ditandatangani."), 200)
    assert refused is not None
    message = refused.text()
    if refused.code == "already_done":
        message = gettext("Sudah dilakukan: %(message)s", message=message)
    return BulkResult(commitment_id, title, False, message, refused.http_status, refused.code)


@bp.post("/kotak-masuk/tanda-tangan")
@passphrase_throttle()
def bulk():  # type: ignore[no-untyped-def]
    """Sign several commitments with one passphrase entry.

    With JavaScript the inbox posts one commitment per request (``Accept: application/json``)
    and draws the progress; without it one POST signs them all in turn and answers with the
    result of each. Either way every signature is its own act, audit entry and commit.
    """
    json_mode = _wants_json()
    if not current_user.is_authenticated:
        if json_mode:
            message = gettext("Sesi Anda telah berakhir. Muat ulang halaman dan masuk kembali.")
            return jsonify({"ok": False, "code": "session_expired", "message": message}), 401

        return login_manager.unauthorized()
    if current_user.role != Role.OFFICIAL:
        message = gettext("Hanya pejabat yang menandatangani; sekretariat tidak menandatangani.")
        if json_mode:
            return jsonify({"ok": False, "code": "forbidden", "message": message}), 403
        return error_response(403, message)
    user = official()
    items = _parse_bulk_items(request.form.getlist("item"))
    passphrase = request.form.get("passphrase") or ""
    problem, code = None, "invalid"
    if not items:
        problem = gettext("Pilih minimal satu komitmen untuk ditandatangani.")
    elif json_mode and len(items) != 1:
        problem = gettext("Satu permintaan menandatangani satu komitmen.")
    else:
        # The act's own rule (passphrase, confirmation), checked once for the whole run.
        refused = _bulk_request(items[0][0], items[0][1], passphrase).problem()
        if refused is not None:
            problem, code = refused.text(), refused.code
    if problem is not None:
        if json_mode:
            return jsonify({"ok": False, "code": code, "message": problem}), 422
        return error_response(422, problem)
    if json_mode:
        result = _bulk_one(user, items[0][0], items[0][1], passphrase)
        body = {
            "ok": result.ok,
            "commitment_id": result.commitment_id,
            "title": result.title,
            "message": result.message,
            "code": result.code,
            "stop": result.code in STOP_CODES,
        }
        return jsonify(body), result.status
    results: list[BulkResult] = []
    stopped: str | None = None  # the message of the refusal that stopped the batch
    for commitment_id, role in items:
        if stopped is not None:
            results.append(
                BulkResult(
                    commitment_id,
                    _title_of(commitment_id, user),
                    False,
                    gettext("Tidak diproses: %(message)s", message=stopped),
                    0,
                    "skipped",
                )
            )
            continue
        result = _bulk_one(user, commitment_id, role, passphrase)
        results.append(result)
        if result.code in STOP_CODES:
            stopped = result.message
    signed = sum(r.ok for r in results)
    status = 200 if signed else max((r.status for r in results), default=422)
    return (
        render_template("inbox/bulk_result.html", results=results, signed=signed),
        status,
        {"Cache-Control": "no-store"},
    )
