"""submit_act, the one path of an act: it owns the transaction, the rollback and the refusal."""

from __future__ import annotations

import sqlalchemy as sa

from signing import db
from signing.models import Act, ActKind, AuditEntry, SlotRole
from signing.workflow.refusals import refuse
from signing.workflow.submit import ActRequest, submit_act

from .conftest import PASSPHRASE, Desk, user_named

KETUA = SlotRole.KETUA_DPRD


def _submit(app, request: ActRequest, username: str = "ketua-dprd-62.02"):  # type: ignore[no-untyped-def]
    with app.app_context():
        outcome = submit_act(db.session, request, user_named(db.session, username))
        # Committed by submit_act itself: a rollback here undoes nothing the test then reads.
        db.session.rollback()
        return outcome


def _actions(db_session) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return [
        (entry.action, (entry.details or {}).get("code"))
        for entry in db_session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars()
        if entry.action.startswith(("act.", "pki.passphrase"))
    ]


def _acts(db_session, commitment_id: int) -> list[Act]:  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return list(
        db_session.execute(
            sa.select(Act).where(Act.commitment_id == commitment_id, Act.kind != ActKind.SEAL)
        ).scalars()
    )


def test_an_act_is_committed_by_the_path(app, db_session, desk: Desk, kotim: int) -> None:
    outcome = _submit(
        app, ActRequest(commitment_id=kotim, role=KETUA, kind=ActKind.SIGN, passphrase=PASSPHRASE)
    )
    assert outcome.refused is None and outcome.act is not None
    assert [a.id for a in _acts(db_session, kotim)] == [outcome.act.id]
    assert ("act.sign", None) in _actions(db_session)


def test_the_requests_own_rules_refuse_before_the_key_is_touched(
    app, db_session, desk: Desk, kotim: int
) -> None:
    base = {"commitment_id": kotim, "role": KETUA, "passphrase": PASSPHRASE}
    requests = [
        ActRequest(**base | {"role": None}, kind=None),
        ActRequest(**base, kind=ActKind.DECLINE, reason="  "),
        ActRequest(**base | {"passphrase": ""}, kind=ActKind.SIGN),
        ActRequest(**base, kind=ActKind.SIGN, confirmed=False),
    ]
    codes = [_submit(app, request).refused.code for request in requests]  # type: ignore[union-attr]
    assert codes == ["no_choice", "reason_required", "passphrase_required", "not_confirmed"]
    assert _actions(db_session) == [("act.refused", code) for code in codes]
    assert _acts(db_session, kotim) == []


def test_a_wrong_passphrase_is_counted_though_the_act_is_refused(
    app, db_session, desk: Desk, kotim: int
) -> None:
    outcome = _submit(
        app, ActRequest(commitment_id=kotim, role=KETUA, kind=ActKind.SIGN, passphrase="salah")
    )
    assert outcome.refused is not None and outcome.refused.code == "wrong_passphrase"
    actions = _actions(db_session)
    assert ("pki.passphrase_failed", None) in actions
    assert ("act.refused", "wrong_passphrase") in actions
    assert _acts(db_session, kotim) == []


def test_a_refusal_from_the_after_hook_undoes_the_act(
    app, db_session, desk: Desk, kotim: int
) -> None:
    seen: list[int] = []

    def spent(act: Act) -> None:
        seen.append(act.id)  # the act exists inside the transaction...
        raise refuse("grant_used")

    outcome = _submit(
        app,
        ActRequest(
            commitment_id=kotim,
            role=KETUA,
            kind=ActKind.SIGN,
            passphrase=PASSPHRASE,
            after=spent,
            audit_details={"via": "test"},
        ),
    )
    assert seen and outcome.act is None
    assert outcome.refused is not None and outcome.refused.code == "grant_used"
    assert _acts(db_session, kotim) == []  # ...and is gone after it
    assert ("act.sign", None) not in _actions(db_session)
    refused = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.refused")
    ).scalar_one()
    assert refused.details["code"] == "grant_used"
    assert refused.details["via"] == "test" and refused.details["kind"] == "sign"
