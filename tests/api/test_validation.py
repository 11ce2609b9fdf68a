"""The hand-written body check and the document's ActRequest schema agree (property test)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signing.api.errors import ApiError
from signing.api.schemas import ID_MAX, parse_act

from .contract import schema_of, validator

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
_TEXT = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.just(""),
    st.just("a\x00b"),
    st.just(" "),
    st.text(min_size=1, max_size=3).map(lambda t: t * 700),
    st.integers(),
)
_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.one_of(st.sampled_from(["sign", "paraf", "witness", "decline", "seal"]), _JUNK),
    "capacity": st.one_of(
        st.sampled_from(["holder", "plt", "plh", "an", "stand_in", "bupati"]), _JUNK
    ),
    "passphrase": _TEXT,
    "reason": _TEXT,
    "attests_act_id": st.one_of(
        st.integers(min_value=-2, max_value=ID_MAX + 2),
        st.just(2**40),
        st.just(7.0),
        st.just(7.5),
        _JUNK,
    ),
    "signature": _JUNK,
}

bodies = st.fixed_dictionaries({}, optional=_FIELDS)


def _accepted(body: Any) -> bool:
    try:
        parse_act(body)
    except ApiError as error:
        assert error.status == 422 and error.code == "invalid_body"
        return False
    return True


def _engine_refuses(body: dict[str, Any]) -> bool:
    """A decline without a non-blank reason: let through here, refused by the workflow rules."""
    reason = body.get("reason")
    blank = reason is None or (isinstance(reason, str) and not reason.strip())
    return body.get("kind") == "decline" and blank


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies)
def test_the_body_check_and_the_schema_accept_the_same_bodies(body: dict[str, Any]) -> None:
    schema_ok = validator(schema_of("ActRequest")).is_valid(body)
    accepted = _accepted(body)
    if _engine_refuses(body) and not schema_ok:
        schema_ok = validator(schema_of("ActRequest")).is_valid({**body, "reason": "alasan"})
    assert accepted == schema_ok, body


def test_bodies_that_are_not_objects_are_refused() -> None:
    for body in (None, [], "sign", 3, ["kind", "sign"]):
        assert not _accepted(body)
        assert not validator(schema_of("ActRequest")).is_valid(body)
