"""Checking request bodies and parameters against what the OpenAPI document promises.

Hand-written rather than a JSON Schema validator at run time (no extra dependency); the tests
check that this code and the document's schema accept and refuse the same bodies, with one
deliberate exception: a decline without a (non-blank) reason passes here and is refused by the
workflow rules themselves (422 ``reason_required``), so that rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signing.api.errors import ApiError
from signing.models import ActKind, Capacity
from signing.workflow.refusals import refuse

#: Kinds an API client may ask for (the office seal is the system's own).
ACT_KINDS = ("sign", "paraf", "witness", "decline")
CAPACITIES = tuple(c.value for c in Capacity)
PASSPHRASE_MAX = 1024
REASON_MAX = 2000
#: Largest id the database holds (PostgreSQL ``integer``): bigger ones cannot exist.
ID_MAX = 2**31 - 1
ACT_FIELDS = ("kind", "capacity", "passphrase", "reason", "attests_act_id")


@dataclass(frozen=True)
class ActRequest:
    kind: ActKind
    capacity: Capacity | None
    passphrase: str | None
    reason: str | None
    attests_act_id: int | None


def invalid(problems: list[str]) -> ApiError:
    """The ``invalid_body`` refusal of the catalogue, listing ``problems`` (in English)."""
    refused = refuse("invalid_body", problems=problems)
    return ApiError(
        refused.http_status,
        refused.code,
        refused.message,
        refused.english(),
        details={"problems": problems},
    )


def _text(
    body: dict[str, Any], name: str, limit: int, problems: list[str], *, nullable: bool
) -> str | None:
    if name not in body or (nullable and body[name] is None):
        return None
    value = body[name]
    if not isinstance(value, str):
        problems.append(f"{name}: must be a string")
        return None
    if not nullable and not value:
        problems.append(f"{name}: must not be empty")
    if len(value) > limit:
        problems.append(f"{name}: at most {limit} characters")
    if "\x00" in value:
        # PostgreSQL stores no NUL character in text; refuse it here rather than fail later.
        problems.append(f"{name}: must not contain NUL characters")
    return value


def parse_act(body: Any) -> ActRequest:
    """The act request in ``body`` (parsed JSON), or :class:`ApiError` 422 listing problems."""
    if not isinstance(body, dict):
        raise invalid(["the body must be a JSON object"])
    problems: list[str] = []
    unknown = sorted(set(body) - set(ACT_FIELDS))
    if unknown:
        problems.append("unknown fields: " + ", ".join(unknown))
    kind = body.get("kind")
    if kind not in ACT_KINDS:
        problems.append("kind: one of " + ", ".join(ACT_KINDS) + " is required")
    capacity = body.get("capacity")
    if capacity is not None and capacity not in CAPACITIES:
        problems.append("capacity: one of " + ", ".join(CAPACITIES))
    passphrase = _text(body, "passphrase", PASSPHRASE_MAX, problems, nullable=False)
    if kind in ACT_KINDS and "passphrase" not in body:
        # A missing passphrase must not reach the key store: it would count as a wrong one.
        # Every act needs it, a decline too (it is signed into the audit log).
        problems.append("passphrase: required for every act (sign, paraf, witness, decline)")
    reason = _text(body, "reason", REASON_MAX, problems, nullable=True)
    attests = body.get("attests_act_id")
    if isinstance(attests, float) and attests.is_integer():
        attests = int(attests)  # JSON Schema counts 5.0 as an integer
    if attests is not None and (
        isinstance(attests, bool) or not isinstance(attests, int) or not 1 <= attests <= ID_MAX
    ):
        problems.append(f"attests_act_id: an integer from 1 to {ID_MAX}")
    if problems:
        raise invalid(problems)
    return ActRequest(
        kind=ActKind(kind),
        capacity=Capacity(capacity) if capacity is not None else None,
        passphrase=passphrase,
        reason=reason,
        attests_act_id=attests,
    )


def parse_bool(name: str, raw: str | None, default: bool = False) -> bool:
    if raw is None:
        return default
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise ApiError(
        422,
        "invalid_parameter",
        f"Parameter {name} harus true atau false.",
        f"Parameter {name} must be true or false.",
        details={"problems": [f"{name}: true or false"]},
    )
