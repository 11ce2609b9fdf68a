"""The ``/api/v1`` blueprint: token check, rate limits, error answers, loading, and the
endpoints that change or check something (acting, verifying). Reading is in
:mod:`signing.api.reading`, the contract's own endpoints in :mod:`signing.api.docs`."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from signing import db
from signing.api import serializers, tokens
from signing.api.access import Reader, commitment_options
from signing.api.contract import ApiBlueprint
from signing.api.errors import ApiError, not_found
from signing.api.schemas import (
    ID_MAX,
    ROLES,
    SHA256_PATTERN,
    ActBody,
    ActCreatedSchema,
    ActRequestSchema,
    InvalidInput,
    VerificationReportSchema,
    VerifyUploadSchema,
)
from signing.db import begin_write, committed, read_only, utcnow
from signing.extensions import csrf, limiter
from signing.models import ApiToken, Commitment, Event, SlotRole, User
from signing.pki import service
from signing.verification.service import AddressBusy, VerifierBusy, verify_upload
from signing.workflow.refusals import CATALOGUE, refuse
from signing.workflow.rules import WorkflowRefused
from signing.workflow.submit import ActRequest, refuse_act, submit_act

log = logging.getLogger(__name__)

bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: Endpoints anyone may read: the contract itself.
PUBLIC_ENDPOINTS = {"api.openapi_json", "api.docs"}
#: Largest JSON body accepted for an act (a passphrase and a reason fit many times over).
ACT_BODY_MAX = 64 * 1024
_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)
SHA256 = re.compile(SHA256_PATTERN)
BINARY = {"type": "string", "format": "binary"}

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
    return ApiError.of("too_large", limit=limit).response()


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 429:
        return ApiError.of("rate_limited").response()
    # Any other HTTP error: the catalogue's http_<status> entry (the pages' words), or http_500's.
    key = f"http_{status}" if f"http_{status}" in CATALOGUE else "http_500"
    refused = refuse(key)
    return ApiError(status, f"http_{status}", refused.message, refused.english()).response()


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


def _unauthorized(key: str) -> ApiError:
    challenge = 'Bearer realm="signing"'
    if key != "missing_token":
        challenge += ', error="invalid_token"'
    return ApiError.of(key, headers={"WWW-Authenticate": challenge})


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return
    header = request.headers.get("Authorization")
    if not header:
        raise _unauthorized("missing_token")
    match = _BEARER.match(header)
    token = tokens.find_token(db.session, match.group(1)) if match else None
    if token is None:
        raise _unauthorized("invalid_token")
    if token.revoked_at is not None:
        raise _unauthorized("revoked_token")
    if not token.user.active:
        raise _unauthorized("token_owner_inactive")
    g.api_token = token
    g.api_user = token.user
    _touch(token)


def _touch(token: ApiToken) -> None:
    """Record when the token was last used (at most once per ``TOUCH_INTERVAL``)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < tokens.TOUCH_INTERVAL:
        return
    try:
        with committed():
            begin_write(db.session)
            db.session.execute(
                sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
            )
    except sa.exc.OperationalError as error:  # pragma: no cover - a busy database
        # Bookkeeping only: never refuse a request because this write waited too long.
        log.warning("last_used_at of API token %s not written: %s", token.id, error)


def _user() -> User:
    return g.api_user


def reader() -> Reader:
    if "api_reader" not in g:
        g.api_reader = Reader(db.session, _user())
    return g.api_reader


# --------------------------------------------------------------------------- loading


def commitment_or_404(commitment_id: int) -> Commitment:
    commitment = None
    if 1 <= commitment_id <= ID_MAX:
        commitment = db.session.execute(
            sa.select(Commitment)
            .where(Commitment.id == commitment_id)
            .options(*commitment_options())
        ).scalar_one_or_none()
    if commitment is None or not reader().may_read(commitment):
        raise not_found("commitment_not_found")
    return commitment


def event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id) if 1 <= event_id <= ID_MAX else None
    if event is None:
        raise not_found("event_not_found")
    return event


def pdf_response(data: bytes, sha256: str, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    safe = re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-") or "dokumen"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(sha256)
    return response.make_conditional(request)


# --------------------------------------------------------------------------- acting


def _act_request(view: Callable[..., Any]) -> Callable[..., Any]:
    """Around the body's parsing: the slot, the id and the body's size limit first; a body
    that fails its schema is on record like a refused form on the web, and a commitment the
    user may not read stays a 404."""

    @functools.wraps(view)
    def checked(commitment_id: int, slot: str) -> Any:
        asked = _asked(commitment_id, slot)
        if not 1 <= commitment_id <= ID_MAX:  # beyond the id column: nothing to look up
            commitment_or_404(commitment_id)
        request.max_content_length = ACT_BODY_MAX
        try:
            return view(commitment_id=commitment_id, slot=slot)
        except InvalidInput as error:
            commitment_or_404(commitment_id)
            refused = refuse("invalid_body", problems=(error.details or {}).get("problems", []))
            refuse_act(db.session, asked, _user(), refused)
            raise

    return checked


def _asked(commitment_id: int, slot: str) -> ActRequest:
    """The act request as far as the path and the client tell (the body tells the rest)."""
    try:
        role = SlotRole(slot)
    except ValueError:
        raise ApiError.of("unknown_slot", roles=", ".join(ROLES)) from None
    return ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=None,
        passphrase=None,
        ip=request.remote_addr,
        user_agent=request.user_agent.string or None,
        audit_details=_token_details(),
    )


@bp.route(
    "/commitments/<int:commitment_id>/slots/<slot>/acts",
    methods=["POST"],
    tags=["acts"],
    parameters=[
        {
            "in": "path",
            "name": "slot",
            "description": "The slot role.",
            "schema": {"type": "string", "enum": list(ROLES)},
        }
    ],
)
@_act_request
@bp.operation("createAct")
@bp.arguments(ActRequestSchema)
@bp.response(
    201,
    ActCreatedSchema,
    description="The act, and the commitment's new status.",
    headers={"Location": {"schema": {"type": "string"}, "description": "The commitment."}},
)
def act(wanted: ActBody, commitment_id: int, slot: str) -> tuple[dict, int, dict[str, str]]:
    """Sign, paraf, witness or decline

    Acts on one slot as the token's user, through the same operation and rules as the web
    pages, with the same audit entries (the act's entry names the token). Only officials act:
    the holder of the slot's office, the holder of a recorded mandate (capacity plt/plh/an), or
    the deputy without one (stand_in, paraf only); witnesses witness their own slot. The order
    is the event's routing policy. Wrong passphrases count toward the key's lock (429
    `locked`).
    """
    user = _user()
    # No read check first: an official allowed to act may read, and the act's own lock loads
    # the commitment. A refusal is checked for readability below, so a commitment the user may
    # not read still answers 404 (with the attempt on record).
    outcome = submit_act(
        db.session,
        replace(
            _asked(commitment_id, slot),
            kind=wanted.kind,
            passphrase=wanted.passphrase,
            capacity=wanted.capacity,
            reason=wanted.reason,
            attests_act_id=wanted.attests_act_id,
        ),
        user,
    )
    if outcome.refused is not None:
        commitment_or_404(commitment_id)
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
    return body_out, 201, {"Location": location}


def _token_details() -> dict[str, Any]:
    token: ApiToken = g.api_token
    return {"via": "api", "api_token_id": token.id, "api_token_name": token.name}


def _refusal_error(refused: WorkflowRefused) -> ApiError:
    error = ApiError.from_refusal(refused)
    if refused.code == "locked":
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


@bp.route("/verify", methods=["POST"], tags=["verification"])
@bp.operation("verifyPdf")
@bp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/pdf": {"schema": BINARY},
            "multipart/form-data": {"schema": VerifyUploadSchema},
        },
    }
)
@bp.response(200, VerificationReportSchema, description="The verification report.")
def verify() -> dict[str, Any]:
    """Verify a PDF

    Checks a signed PDF against this system (pyHanko, our records of each act, and our
    revisions): the same report as the public verification page. A file that is not valid is
    still a 200 answer: read `verdict`.
    """
    mimetype = request.mimetype
    if mimetype == "application/pdf":
        data = request.get_data(cache=False)
    elif mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError.of("no_file")
        data = upload.read()
    else:
        raise ApiError.of("unsupported_media_type")
    try:
        with read_only():
            result = verify_upload(db.session, data, address=request.remote_addr)
    except AddressBusy:
        raise ApiError.of("address_busy", headers={"Retry-After": "5"}) from None
    except VerifierBusy:
        raise ApiError.of("busy", headers={"Retry-After": "5"}) from None
    return result.as_dict()
