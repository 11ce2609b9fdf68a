"""What every page of the inbox blueprint shares: the blueprint, the passphrase throttle, the
client's address, and the act the signing form asks for (the inbox's and the desk's form).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    request,
)
from flask_login import current_user

from signing.extensions import limiter
from signing.models import (
    ActKind,
    Capacity,
    SlotRole,
    User,
)
from signing.workflow.submit import ActRequest

bp = Blueprint("inbox", __name__)

#: Refusals after which a bulk run stops: every further attempt would fail the same way (and
#: a wrong passphrase repeated 14 times would lock the key).
STOP_CODES = {"wrong_passphrase", "locked", "not_enrolled", "certificate_not_usable"}


# ----------------------------------------------------------------------------- form parsing


def form_act_request(commitment_id: int, **extra: Any) -> ActRequest:
    """The act the signing form (the inbox's or the desk's) asks for; ``extra``: e.g. ``after``.

    An unknown choice leaves role and kind empty: :meth:`ActRequest.problem` refuses it.
    """
    role = kind = capacity = None
    parts = (request.form.get("choice") or "").split(":")
    if len(parts) == 3:
        try:
            role, kind, capacity = SlotRole(parts[0]), ActKind(parts[1]), Capacity(parts[2])
        except ValueError:
            role = kind = capacity = None
    attests = request.form.get("attests") or ""
    # A decline's reason, or any other act's optional note (stored, never in the PDF).
    field = "reason" if kind is ActKind.DECLINE else "note"
    reason = " ".join((request.form.get(field) or "").split())[:1000] or None
    return ActRequest(
        commitment_id=commitment_id,
        role=role,
        kind=kind,
        capacity=capacity,
        passphrase=request.form.get("passphrase") or "",
        confirmed=request.form.get("confirm") == "1",
        reason=reason,
        attests_act_id=int(attests) if attests.isdigit() else None,
        ip=client_ip(),
        user_agent=client_agent(),
        **extra,
    )


def client_ip() -> str | None:
    return request.remote_addr


def client_agent() -> str | None:
    return (request.user_agent.string or "")[:300] or None


# ----------------------------------------------------------------------------- pages


def official() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def passphrase_key() -> str:
    if current_user.is_authenticated:
        return f"passphrase:user:{current_user.id}"
    return f"passphrase:ip:{request.remote_addr}"


def passphrase_limit() -> str:
    return current_app.config.get("PASSPHRASE_LIMIT", "5 per minute")


def refused_response(response) -> bool:  # type: ignore[no-untyped-def]
    # Only failed attempts count against the throttle: a success redirects (303) or is 200.
    return response.status_code in (401, 403, 422, 429)


def passphrase_throttle(**options: Any) -> Any:
    """The limit on passphrase attempts (per official), counting only the failed ones."""
    return limiter.limit(
        passphrase_limit, key_func=passphrase_key, deduct_when=refused_response, **options
    )
