"""Voiding a commitment (and generating its next version)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.generation import new_version_after_void
from signing.db import utcnow
from signing.models import Commitment, User
from signing.workflow.locking import lock_commitment
from signing.workflow.mandates import require_secretariat
from signing.workflow.refusals import refuse
from signing.workflow.status import commitment_status
from signing.workflow.turns import notify_turn


def void_commitment(
    db_session: Session,
    commitment: Commitment,
    reason: str,
    *,
    actor: Any,
    reissue: bool = True,
) -> Commitment | None:
    """Void ``commitment`` (with a reason) and, with ``reissue``, generate its next version.

    A complete commitment cannot be voided (it is a signed agreement; a correction is a new
    commitment). Returns the new version, or None.

    :raises WorkflowRefused: ``reason_required``, ``void`` (already voided), ``complete``,
        ``forbidden``.
    """
    require_secretariat(actor, "forbidden_void")
    if not reason or not reason.strip():
        raise refuse("void_reason_required")
    locked = lock_commitment(db_session, commitment.id)
    if locked.is_void:
        raise refuse("already_void")
    if locked.completed_at is not None:
        raise refuse("complete_not_voidable")
    locked.voided_at = utcnow()
    locked.void_reason = reason.strip()
    locked.voided_by_id = actor.id if isinstance(actor, User) else None
    db_session.flush()
    audit.record_on_commitment(
        db_session,
        "commitment.void",
        locked,
        actor=actor,
        sha256_before=locked.current_sha256,
        sha256_after=locked.current_sha256,
        details={"reason": locked.void_reason, "number": locked.number, "reissue": reissue},
    )
    if not reissue:
        return None

    replacement = new_version_after_void(db_session, locked, actor=actor)
    status = commitment_status(replacement)
    for role in status.whose_turn:
        notify_turn(db_session, replacement, role, reminder=False)
    db_session.flush()
    return replacement
