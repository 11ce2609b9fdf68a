"""Perform one act (sign, paraf, witness, decline) and record a refused one.

Every operation checks, changes objects, writes its audit entry and flushes; none commits.
:func:`signing.workflow.submit.submit_act` is the one caller that owns the transaction (the
web form, the desk, bulk signing, the API and the demo go through it).

:func:`perform_act` must be the first thing a transaction does: it takes the commitment's
lock before anything else (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on
PostgreSQL) so that writers always lock in the same order (commitment row, then the audit
chain). A refused act leaves nothing but its audit entries: the refusal is decided before any
change, and if the database still refuses the writes (the unique field constraint, the version
column) or the completing time stamp fails, the whole transaction is rolled back and the refusal
recorded in a new one (no savepoint: it would cost two round trips on every act). That is why
the act must start its transaction: the callers commit whatever came before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from signing import audit
from signing.commitments.storage import store_revision
from signing.db import begin_write, utcnow
from signing.models import Act, ActKind, Capacity, Commitment, SlotRole, User
from signing.workflow import rules
from signing.workflow.locking import lock_commitment
from signing.workflow.mandates import active_mandates
from signing.workflow.marks import (
    field_for,
    pdf_reason,
    presentation,
    sign_decline,
    sign_pdf,
    stored_note,
    timestamp_revision,
    witnessed_words,
)
from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused, today_wib
from signing.workflow.status import commitment_status
from signing.workflow.turns import notify_after_act

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ refusals


def record_refusal(
    db_session: Session,
    refused: WorkflowRefused,
    *,
    user: User | None = None,
    commitment_id: int | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    **details: Any,
) -> None:
    """Write the ``act.refused`` audit entry for ``refused`` (the caller commits it).

    :func:`perform_act` calls it itself; a view that refuses before calling an operation
    (e.g. a form error) calls it directly. Context stored on the exception fills the gaps.
    """
    context = dict(refused.context)
    known = {key: context.pop(key, None) for key in ("user", "commitment_id", "ip", "user_agent")}
    user = user if user is not None else known["user"]
    commitment_id = commitment_id if commitment_id is not None else known["commitment_id"]
    ip = ip or known["ip"]
    user_agent = user_agent or known["user_agent"]
    if not db_session.in_transaction():
        # A refusal decided before any operation ran: still a writer on SQLite.
        begin_write(db_session)
    audit.record(
        db_session,
        "act.refused",
        actor=user,
        actor_office=context.pop("actor_office", None),
        object_type="commitment" if commitment_id is not None else None,
        object_id=commitment_id,
        commitment_id=_existing_commitment_id(db_session, commitment_id),
        ip=ip,
        user_agent=user_agent,
        details={
            "code": refused.code,
            "message": refused.message,
            **{k: _plain(v) for k, v in context.items()},
            **{k: _plain(v) for k, v in details.items()},
        },
    )


def _existing_commitment_id(db_session: Session, commitment_id: int | None) -> int | None:
    if commitment_id is None:
        return None
    # The audit entry's foreign key must not fail for a request naming a non-existent id.
    found = db_session.execute(
        sa.select(Commitment.id).where(Commitment.id == commitment_id)
    ).scalar_one_or_none()
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def latest_party_act(commitment: Commitment) -> Act | None:
    acts = [a for a in commitment.acts if a.kind in (ActKind.SIGN, ActKind.PARAF)]
    return acts[-1] if acts else None


def perform_act(
    db_session: Session,
    *,
    commitment_id: int,
    role: SlotRole | str,
    kind: ActKind | str,
    user: User,
    passphrase: str | None,
    capacity: Capacity | str | None = None,
    reason: str | None = None,
    attests_act_id: int | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    now: dt.datetime | None = None,
    audit_details: dict[str, Any] | None = None,
) -> Act:
    """Sign, paraf, witness or decline one slot, as one transaction's worth of changes.

    Serialised per commitment (see :func:`lock_commitment`); the rules are checked inside the
    lock, and only then is the signer's key unlocked with ``passphrase``. The PAdES act goes into
    the slot's field (sign: ``field_name``, paraf: ``paraf_field_name``, witness: the witness
    slot's ``field_name``) with a visible appearance (name, office, Plt./Plh./a.n. line, WIB
    time); the new revision, the :class:`Act` and the audit entry (hashes before and after) are
    added. The act that completes the commitment sets ``completed_at`` (once) and adds a
    document time stamp revision (PAdES B-LTA). Whoever's turn it now is gets notified.

    ``reason`` is the person's own text: required for a decline, an optional note otherwise;
    it is stored with the act and never written into the PDF (whose /Reason is
    :func:`pdf_reason`). A decline changes no PDF. A witness act names the act it attests
    (``attests_act_id``; by default the latest signature or paraf). ``audit_details`` are added
    to the act's audit entry (or to the refusal's): the API names its token there.

    :raises WorkflowRefused: the act is refused; the ``act.refused`` audit entry is already in
        the session and the caller should commit it (see the module docstring).
    """
    role = SlotRole(role)
    kind = ActKind(kind)
    now = now or utcnow()
    context: dict[str, Any] = {
        "user": user,
        "commitment_id": commitment_id,
        "ip": ip,
        "user_agent": user_agent,
        "role": role.value,
        "kind": kind.value,
        "capacity": Capacity(capacity).value if capacity else None,
        **(audit_details or {}),
    }
    try:
        return _perform(
            db_session,
            commitment_id=commitment_id,
            role=role,
            kind=kind,
            user=user,
            passphrase=passphrase,
            capacity=capacity,
            reason=reason,
            attests_act_id=attests_act_id,
            ip=ip,
            user_agent=user_agent,
            now=now,
            audit_details=audit_details or {},
        )
    except WorkflowRefused as refused:
        refused.context = {**context, **refused.context}
        record_refusal(db_session, refused)
        raise


def _perform(
    db_session: Session,
    *,
    commitment_id: int,
    role: SlotRole,
    kind: ActKind,
    user: User,
    passphrase: str | None,
    capacity: Capacity | str | None,
    reason: str | None,
    attests_act_id: int | None,
    ip: str | None,
    user_agent: str | None,
    now: dt.datetime,
    audit_details: dict[str, Any],
) -> Act:
    commitment = lock_commitment(db_session, commitment_id)
    policy = rules.policy_of(commitment)
    before_status = commitment_status(commitment, policy)
    mandates = active_mandates(db_session, user)
    today = today_wib(now)
    allowed = rules.check_act(
        commitment,
        role,
        user,
        kind,
        mandates=mandates,
        today=today,
        capacity=capacity,
        reason=reason,
        attests_act_id=attests_act_id,
        policy=policy,
        status=before_status,
    )
    slot = commitment.slot(role)
    mandate = next((m for m in mandates if m.id == allowed.mandate_id), None)
    shown = presentation(slot, user, allowed, mandate)
    attested = None
    if kind is ActKind.WITNESS:
        attested = (
            next(a for a in commitment.acts if a.id == attests_act_id)
            if attests_act_id is not None
            else latest_party_act(commitment)
        )
    field_name = field_for(slot, kind)
    sha_before = commitment.current_sha256
    new_pdf: bytes | None = None
    certificate_id = None
    declined: dict[str, Any] = {}
    if kind is ActKind.DECLINE:
        declined = sign_decline(
            db_session,
            commitment,
            role=role,
            user=user,
            passphrase=passphrase or "",
            shown=shown,
            allowed=allowed,
            reason=stored_note(reason) or "",
            now=now,
        )
        certificate_id = declined.pop("certificate_id")
    else:
        new_pdf, certificate_id = sign_pdf(
            db_session,
            commitment,
            user=user,
            passphrase=passphrase or "",
            field_name=field_name,
            kind=kind,
            appearance_name=user.display_name,
            shown=shown,
            witnessed=witnessed_words(attested),
            reason=pdf_reason(kind, slot, allowed, attested),
            now=now,
        )
    act = Act(
        commitment_id=commitment.id,
        slot_id=slot.id,
        kind=kind,
        capacity=allowed.capacity,
        actor_user_id=user.id,
        actor_name=user.display_name,
        actor_office_id=shown.office.id if shown.office is not None else None,
        actor_office_title=shown.office_title,
        mandate_id=allowed.mandate_id,
        certificate_id=certificate_id,
        field_name=field_name,
        reason=stored_note(reason),
        attests_act_id=attested.id if attested is not None else None,
        sha256_before=sha_before,
        # Known before the INSERT, so the row is written once (no UPDATE after the revision).
        sha256_after=hashlib.sha256(new_pdf).hexdigest() if new_pdf is not None else sha_before,
        created_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
    )
    completed = False
    # No savepoint around the writes (two round trips per act on PostgreSQL): a refusal from
    # here on abandons the whole transaction and records itself in a fresh one.
    try:
        db_session.add(act)
        act.commitment = commitment
        act.slot = slot
        if new_pdf is not None:
            # One flush writes the act, its revision and the commitment's new hash.
            store_revision(
                db_session, commitment, new_pdf, kind.value, act=act, sha256=act.sha256_after
            )
            # Every signed revision is followed by a document time stamp with the revocation
            # data of this signature (B-LTA for every copy handed out, complete or not).
            timestamp_revision(db_session, commitment, new_pdf, certificate_id)
        else:
            _touch(commitment)
            db_session.flush()
        after_status = commitment_status(commitment, policy)
        if after_status.is_complete and commitment.completed_at is None:
            commitment.completed_at = now
            completed = True
            after_status = commitment_status(commitment, policy)
    except sa.exc.IntegrityError as error:
        log.info("act refused by the database: %s", error.orig)
        _abandon(db_session)
        raise refuse("already_acted") from None
    except StaleDataError:
        _abandon(db_session)
        raise refuse("conflict") from None
    except WorkflowRefused:
        _abandon(db_session)
        raise
    # Before the audit entries, so that their flush writes the notifications too.
    notify_after_act(db_session, commitment, act, before_status, after_status)
    audit.record(
        db_session,
        f"act.{kind.value}",
        actor=user,
        actor_office=shown.office_title,
        object_type="act",
        object_id=act.id,
        commitment_id=commitment.id,
        sha256_before=sha_before,
        sha256_after=act.sha256_after,
        ip=ip,
        user_agent=user_agent,
        details={
            "role": role.value,
            "capacity": allowed.capacity.value,
            "mandate_id": allowed.mandate_id,
            "field": field_name,
            "attests_act_id": act.attests_act_id,
            "reason": act.reason,
            "commitment": commitment.number,
            # A decline: the statement and the official's signature over it.
            **declined,
            **audit_details,
        },
    )
    if completed:
        audit.record_on_commitment(
            db_session,
            "commitment.complete",
            commitment,
            actor=user,
            sha256_before=act.sha256_after,
            sha256_after=commitment.current_sha256,
            details={"number": commitment.number},
        )
    db_session.flush()
    return act


def _abandon(db_session: Session) -> None:
    """Roll back an act's writes; the refusal is then recorded in a new writing transaction.

    The "unlocked" entry of the key store survives: the key was unlocked even though the act
    did not land.
    """
    unlocked = audit.carry_over_deferred(db_session)
    db_session.rollback()
    begin_write(db_session)
    audit.restore_deferred(db_session, unlocked)


def _touch(commitment: Commitment) -> None:
    """Make the commitment row take part in the act, so the version column is checked."""

    # Re-writing an unchanged column makes the UPDATE that bumps (and checks) lock_version.
    flag_modified(commitment, "current_sha256")
