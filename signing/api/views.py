"""Endpoints of ``/api/v1``; see :mod:`signing.api` and the OpenAPI document."""

from __future__ import annotations

import logging
import re
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    render_template,
    request,
)
from flask_limiter.util import get_remote_address
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from signing import db
from signing.api import serializers, tokens
from signing.api.access import Reader, commitment_options
from signing.api.errors import ApiError, not_found
from signing.api.validation import ID_MAX, parse_act, parse_bool
from signing.db import begin_write, utcnow
from signing.extensions import csrf, limiter
from signing.models import ApiToken, Commitment, Event, SlotRole, User
from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import commitment_status, event_overview

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: Endpoints anyone may read: the contract itself.
PUBLIC_ENDPOINTS = {"api.openapi_json", "api.docs"}
#: Largest JSON body accepted for an act (a passphrase and a reason fit many times over).
ACT_BODY_MAX = 64 * 1024
_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# --------------------------------------------------------------------------- rate limit


def _limit_key() -> str:
    """The token (by its hash) when one is sent, else the client address."""
    match = _BEARER.match(request.headers.get("Authorization", ""))
    if match:
        return "api-token:" + tokens.hash_token(match.group(1))
    return "api-ip:" + (get_remote_address() or "-")


def _limit_value() -> str:
    return current_app.config.get("API_LIMIT_PER_TOKEN", "120 per minute")


limiter.limit(_limit_value, key_func=_limit_key, scope="api")(bp)


def _bad_token_limit() -> str:
    return current_app.config.get("API_LIMIT_BAD_TOKEN_PER_IP", "20 per minute")


def _token_refused(response: Response) -> bool:
    return response.status_code == 401


# The limit above is per token, so an attacker sending a fresh random token with each request
# would never meet it: requests refused for their token also count per address, and once an
# address is over, it gets 429 before its token is even looked up.
limiter.limit(
    _bad_token_limit,
    key_func=lambda: "api-bad-token:" + (get_remote_address() or "-"),
    scope="api-bad-token",
    deduct_when=_token_refused,
)(bp)


# --------------------------------------------------------------------------- errors


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge) -> Response:
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return ApiError(
        413,
        "too_large",
        f"Isi permintaan terlalu besar (batas {limit} bita).",
        f"Request body too large (limit {limit} bytes).",
    ).response()


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    from signing.web.errors import MESSAGES

    status = error.code or 500
    if status == 429:
        return ApiError(
            429,
            "rate_limited",
            "Terlalu banyak permintaan dengan token ini (atau dengan token tak dikenal dari "
            "alamat ini). Tunggu sebentar lalu coba lagi.",
            "Too many requests with this token (or with unknown tokens from this address). "
            "Wait a moment and try again.",
        ).response()
    message_id, message_en = MESSAGES.get(status, MESSAGES[500])
    return ApiError(status, f"http_{status}", message_id, message_en).response()


@bp.after_app_request
def _allow_header(response: Response) -> Response:
    """RFC 9110 wants the methods a 405 answer allows; the app-wide JSON error omits them."""
    if response.status_code == 405 and request.path.startswith(serializers.API_PREFIX + "/"):
        if "Allow" not in response.headers:
            adapter = current_app.url_map.bind_to_environ(request.environ)
            allowed = sorted(adapter.allowed_methods(request.path))
            if allowed:
                response.headers["Allow"] = ", ".join(allowed)
    return response


# --------------------------------------------------------------------------- authentication


def _unauthorized(code: str, message: str, message_en: str) -> ApiError:
    challenge = 'Bearer realm="signing"'
    if code != "missing_token":
        challenge += ', error="invalid_token"'
    return ApiError(401, code, message, message_en, headers={"WWW-Authenticate": challenge})


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    header = request.headers.get("Authorization")
    if not header:
        raise _unauthorized(
            "missing_token",
            "Token API diperlukan: kirim header 'Authorization: Bearer <token>'.",
            "An API token is required: send the header 'Authorization: Bearer <token>'.",
        )
    match = _BEARER.match(header)
    token = tokens.find_token(db.session, match.group(1)) if match else None
    if token is None:
        raise _unauthorized(
            "invalid_token", "Token API tidak dikenal.", "Unknown or malformed API token."
        )
    if token.revoked_at is not None:
        raise _unauthorized(
            "revoked_token", "Token API ini sudah dicabut.", "This API token has been revoked."
        )
    if not token.user.active:
        raise _unauthorized(
            "invalid_token",
            "Akun pemilik token ini nonaktif.",
            "The account owning this token is inactive.",
        )
    g.api_token = token
    g.api_user = token.user
    _touch(token)


def _touch(token: ApiToken) -> None:
    """Record when the token was last used (at most once per ``TOUCH_INTERVAL``)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < tokens.TOUCH_INTERVAL:
        return
    try:
        begin_write(db.session)
        db.session.execute(
            sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
        )
        db.session.commit()
    except sa.exc.OperationalError as error:  # pragma: no cover - a busy database
        # Bookkeeping only: never refuse a request because this write waited too long.
        log.warning("last_used_at of API token %s not written: %s", token.id, error)
        db.session.rollback()


def _user() -> User:
    return g.api_user


def _reader() -> Reader:
    if "api_reader" not in g:
        g.api_reader = Reader(db.session, _user())
    return g.api_reader


# --------------------------------------------------------------------------- loading


def _commitment_or_404(commitment_id: int) -> Commitment:
    commitment = None
    if 1 <= commitment_id <= ID_MAX:
        commitment = db.session.execute(
            sa.select(Commitment)
            .where(Commitment.id == commitment_id)
            .options(*commitment_options())
        ).scalar_one_or_none()
    if commitment is None or not _reader().may_read(commitment):
        raise not_found(
            "Dokumen komitmen tidak ditemukan.", "Commitment not found (or not readable)."
        )
    return commitment


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id) if 1 <= event_id <= ID_MAX else None
    if event is None:
        raise not_found("Acara tidak ditemukan.", "Event not found (or not readable).")
    return event


def _pdf(data: bytes, sha256: str, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    safe = re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-") or "dokumen"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(sha256)
    return response.make_conditional(request)


# --------------------------------------------------------------------------- the contract


@bp.get("/openapi.json")
def openapi_json() -> Response:
    from signing.api.openapi import document

    return jsonify(document())


@bp.get("/docs")
def docs() -> str:
    from signing.api.openapi import document, reference

    doc = document()
    return render_template("api/docs.html", doc=doc, ref=reference(doc))


# --------------------------------------------------------------------------- reading


@bp.get("/events")
def events() -> Response:
    reader = _reader()
    result = []
    if reader.sees_all:
        rows = db.session.execute(
            sa.select(Event)
            .options(selectinload(Event.province))
            .order_by(Event.date.desc(), Event.id.desc())
        ).scalars()
        for event in rows:
            states = [status.state for _, status in event_overview(db.session, event.id)]
            result.append(serializers.event_json(event, states))
    else:
        readable = reader.readable_commitments()
        replaced = {c.replaces_id for c in readable if c.replaces_id is not None}
        by_event: dict[int, list[Commitment]] = {}
        for commitment in readable:
            by_event.setdefault(commitment.event_id, []).append(commitment)
        ordered = sorted(
            (group[0].event for group in by_event.values()), key=lambda e: (e.date, e.id)
        )
        for event in reversed(ordered):
            states = [
                commitment_status(c).state
                for c in by_event[event.id]
                if not (c.voided_at is not None and c.id in replaced)
            ]
            result.append(serializers.event_json(event, states))
    return jsonify({"events": result})


@bp.get("/events/<int:event>/commitments")
def event_commitments(event: int) -> Response:
    item = _event_or_404(event)
    include = parse_bool("include_superseded", request.args.get("include_superseded"))
    reader = _reader()
    pairs = event_overview(db.session, item.id, include_superseded=include)
    if not reader.sees_all:
        pairs = [(c, s) for c, s in pairs if reader.may_read(c)]
        if not pairs and not reader.readable_commitments(item.id):
            raise not_found("Acara tidak ditemukan.", "Event not found (or not readable).")
    states = [s.state for _, s in pairs]
    return jsonify(
        {
            "event": serializers.event_json(item, states),
            "commitments": serializers.commitments_json(db.session, pairs),
        }
    )


@bp.get("/commitments/<int:commitment_id>")
def commitment(commitment_id: int) -> Response:
    item = _commitment_or_404(commitment_id)
    replaced = serializers.replacements(db.session, [item])
    return jsonify(
        serializers.commitment_json(item, replaced_by=replaced.get(item.id), with_revisions=True)
    )


@bp.get("/commitments/<int:commitment_id>/pdf")
def commitment_pdf(commitment_id: int) -> Response:
    from signing.commitments.storage import current_pdf

    item = _commitment_or_404(commitment_id)
    if item.current_sha256 is None:
        raise ApiError(
            404,
            "no_document",
            "Dokumen belum dibuat.",
            "The document has not been generated yet.",
        )
    # A stored file that fails its hash check is answered by the app's one handler
    # (signing.web.errors: 500 "storage_error", the same words as the pages).
    data = current_pdf(db.session, item)
    return _pdf(data, item.current_sha256, item.number)


@bp.get("/commitments/<int:commitment_id>/revisions/<sha256>")
def commitment_revision(commitment_id: int, sha256: str) -> Response:
    from signing.commitments.errors import RevisionNotFound
    from signing.commitments.storage import revision_pdf

    item = _commitment_or_404(commitment_id)
    missing = ApiError(
        404,
        "revision_not_found",
        "Revisi tersebut bukan milik dokumen ini.",
        "No revision of this commitment has that SHA-256.",
    )
    if not _SHA256.match(sha256):
        raise missing
    try:
        data = revision_pdf(db.session, item, sha256)
    except RevisionNotFound:
        raise missing from None
    return _pdf(data, sha256, f"{item.number}-rev-{sha256[:12]}")


# --------------------------------------------------------------------------- acting


@bp.post("/commitments/<int:commitment_id>/slots/<slot>/acts")
def act(commitment_id: int, slot: str) -> tuple[Response, int, dict[str, str]]:
    from dataclasses import replace

    from signing.workflow.submit import ActRequest, refuse_act, submit_act

    user = _user()
    try:
        role = SlotRole(slot)
    except ValueError:
        raise ApiError(
            404,
            "unknown_slot",
            "Slot tidak dikenal. Pilihan: " + ", ".join(r.value for r in SlotRole) + ".",
            "Unknown slot. One of: " + ", ".join(r.value for r in SlotRole) + ".",
        ) from None
    if not 1 <= commitment_id <= ID_MAX:  # beyond the id column: nothing to look up
        _commitment_or_404(commitment_id)
    request.max_content_length = ACT_BODY_MAX
    body = request.get_json(force=True, silent=True)
    asked = ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=None,
        passphrase=None,
        ip=request.remote_addr,
        user_agent=request.user_agent.string or None,
        audit_details=_token_details(),
    )
    try:
        wanted = parse_act(body)
    except ApiError as error:
        _commitment_or_404(commitment_id)  # a commitment the user may not read stays a 404
        # The same trail as a refused form on the web: the attempt is on record.
        refused = refuse("invalid_body", problems=(error.details or {}).get("problems", []))
        refuse_act(db.session, asked, user, refused)
        raise
    # No read check first: an official allowed to act may read, and the act's own lock loads
    # the commitment. A refusal is checked for readability below, so a commitment the user may
    # not read still answers 404 (with the attempt on record).
    outcome = submit_act(
        db.session,
        replace(
            asked,
            kind=wanted.kind,
            passphrase=wanted.passphrase,
            capacity=wanted.capacity,
            reason=wanted.reason,
            attests_act_id=wanted.attests_act_id,
        ),
        user,
    )
    if outcome.refused is not None:
        _commitment_or_404(commitment_id)
        raise _refusal_error(outcome.refused)
    done = outcome.act
    assert done is not None
    item = done.commitment
    replaced = serializers.replacements(db.session, [item])
    body_out = {
        "act": serializers.act_json(done),
        "commitment": serializers.commitment_json(
            item, replaced_by=replaced.get(item.id), with_revisions=True
        ),
    }
    location = f"{serializers.API_PREFIX}/commitments/{item.id}"
    return jsonify(body_out), 201, {"Location": location}


def _token_details() -> dict[str, Any]:
    token: ApiToken = g.api_token
    return {"via": "api", "api_token_id": token.id, "api_token_name": token.name}


def _refusal_error(refused: WorkflowRefused) -> ApiError:
    error = ApiError.from_refusal(refused)
    if refused.code == "locked":
        from signing.pki import service

        state = service.lock_state(db.session, _user())
        if state.locked_until is not None:
            seconds = int((state.locked_until - utcnow()).total_seconds()) + 1
            error.headers["Retry-After"] = str(max(1, seconds))
            error.details = {
                **(error.details or {}),
                "locked_until": serializers.iso(state.locked_until),
            }
    return error


# --------------------------------------------------------------------------- verifying


@bp.post("/verify")
def verify() -> Response:
    from signing.verification.service import AddressBusy, VerifierBusy, verify_upload
    from signing.web.verify import ADDRESS_BUSY

    mimetype = request.mimetype
    if mimetype == "application/pdf":
        data = request.get_data(cache=False)
    elif mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(
                422,
                "no_file",
                "Kirim berkas PDF pada kolom 'file'.",
                "Send the PDF in the multipart field 'file'.",
            )
        data = upload.read()
    else:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Kirim PDF sebagai isi permintaan (application/pdf) atau multipart/form-data.",
            "Send the PDF as the body (application/pdf) or as multipart/form-data.",
        )
    try:
        result = verify_upload(db.session, data, address=request.remote_addr)
    except AddressBusy:
        raise ApiError(
            429,
            "rate_limited",
            ADDRESS_BUSY,
            "Another verification from your address is still running; wait for it, then retry.",
            headers={"Retry-After": "5"},
        ) from None
    except VerifierBusy:
        raise ApiError(
            503,
            "busy",
            "Layanan pemeriksaan sedang sibuk. Coba lagi sebentar lagi.",
            "The verifier is busy. Try again shortly.",
            headers={"Retry-After": "5"},
        ) from None
    finally:
        db.session.rollback()
    return jsonify(result.as_dict())
