"""Workflow operations: act on a slot, record and revoke mandates, void, remind.

Every operation checks, changes objects, writes its audit entry and flushes; none commits. The
view or command that calls it commits once.

The calling pattern for acts (a view, an API endpoint, a CLI command)::

    try:
        act = perform_act(db.session, commitment_id=..., role=..., kind=..., user=...,
                          passphrase=..., ip=request.remote_addr, user_agent=...)
    except WorkflowRefused as refused:
        db.session.commit()          # keeps the "act.refused" entry (and the key store's
        return error(refused.message, refused.http_status)   # failed-passphrase count)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()

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
import functools
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from signing import audit
from signing.db import begin_write, utcnow
from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Mandate,
    MandateKind,
    Office,
    OfficeHolder,
    Role,
    Slot,
    SlotRole,
    User,
)
from signing.notifications import notify
from signing.specimens import specimen_for
from signing.workflow import rules
from signing.workflow.refusals import N_, Phrase, refuse
from signing.workflow.routing import SlotState
from signing.workflow.rules import AllowedAct, WorkflowRefused, today_wib
from signing.workflow.status import CommitmentStatus, commitment_status, event_overview

__all__ = [
    "COMMITMENT_PATH",
    "WorkflowRefused",
    "active_mandates",
    "commitment_url",
    "lock_commitment",
    "mandate_warning",
    "pdf_reason",
    "perform_act",
    "record_mandate",
    "record_refusal",
    "revoke_mandate",
    "send_event_reminders",
    "send_reminder",
    "slot_recipients",
    "void_commitment",
]

log = logging.getLogger(__name__)


#: Where a commitment is shown to officials (linked from notifications).
COMMITMENT_PATH = "/komitmen/{id}"


def commitment_url(commitment: Commitment) -> str:
    return COMMITMENT_PATH.format(id=commitment.id, code=commitment.code)


# ------------------------------------------------------------------------------ locking


def lock_commitment(db_session: Session, commitment_id: int) -> Commitment:
    """Start a writing transaction and lock one commitment; load it fresh with slots and acts.

    On SQLite ``BEGIN IMMEDIATE`` takes the database's write lock; on PostgreSQL the row is
    locked with ``FOR UPDATE`` (a no-op on SQLite). Whatever the session held before is expired,
    so the rules see what other transactions committed while we waited.
    """
    begin_write(db_session)
    db_session.expire_all()
    commitment = (
        db_session.execute(_lock_statement(), {"commitment_id": commitment_id})
        .unique()
        .scalar_one_or_none()
    )
    if commitment is None:
        raise refuse("commitment_not_found")
    # Each slot's acts are the commitment's acts of that slot: handed over instead of queried.
    by_slot: dict[int, list[Act]] = {slot.id: [] for slot in commitment.slots}
    for act in commitment.acts:
        if act.slot_id in by_slot:
            by_slot[act.slot_id].append(act)
    for slot in commitment.slots:
        set_committed_value(slot, "acts", by_slot[slot.id])
    return commitment


# The statements of every act are built once: building one (its options above all) costs more
# than the database takes to answer it, and a built statement keeps its cache key.


@functools.cache
def _lock_statement() -> sa.Select[tuple[Commitment]]:
    return (
        sa.select(Commitment)
        .where(Commitment.id == sa.bindparam("commitment_id"))
        # OF: only the commitment's row is locked (the joined event and region are read).
        .with_for_update(of=Commitment)
        .options(
            joinedload(Commitment.event),
            joinedload(Commitment.region),
            # Not joined: a statement that waited for the lock re-reads only the locked row;
            # rows joined to it come from the snapshot taken before the wait (PostgreSQL's READ
            # COMMITTED), so acts joined here would miss the act we just waited for. The acts
            # are read by their own statement, after the lock is held.
            selectinload(Commitment.acts),
            # Slots, offices and holders change only with a new document version or the
            # registry, never under this lock: joined, they cost no round trip of their own.
            joinedload(Commitment.slots)
            .joinedload(Slot.office)
            .joinedload(Office.holders)
            .joinedload(OfficeHolder.user),
        )
        .execution_options(populate_existing=True)
    )


@functools.cache
def _mandates_statement() -> sa.Select[tuple[Mandate]]:
    return (
        sa.select(Mandate)
        .where(Mandate.deputy_user_id == sa.bindparam("user_id"), Mandate.revoked_at.is_(None))
        .options(selectinload(Mandate.principal_office), selectinload(Mandate.deputy_office))
        .order_by(Mandate.id)
    )


@functools.cache
def _office_mandates_statement() -> sa.Select[tuple[Mandate]]:
    return (
        sa.select(Mandate)
        .where(
            Mandate.principal_office_id == sa.bindparam("office_id"), Mandate.revoked_at.is_(None)
        )
        .options(selectinload(Mandate.deputy))
    )


def active_mandates(db_session: Session, user: User) -> list[Mandate]:
    """The user's unrevoked mandates (validity by date is the rules' business)."""
    return list(db_session.execute(_mandates_statement(), {"user_id": user.id}).scalars())


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


# ------------------------------------------------------------------------------ acts


@dataclass(frozen=True)
class _Presentation:
    """How the actor appears: the office they act in and the Plt./Plh./a.n. line."""

    office: Office | None
    office_title: str
    capacity_line: str | None
    #: A stand-in without a mandate: whom the mark says they stand in for.
    on_behalf: str | None = None


def _deputy_office(user: User, principal: Office) -> Office | None:
    for holding in user.holdings:
        if holding.ended_on is not None:
            continue
        office = holding.office
        if office.kind.deputy_of == principal.kind and office.region_id == principal.region_id:
            return office
    return None


def _presentation(
    slot: Slot, user: User, allowed: AllowedAct, mandate: Mandate | None
) -> _Presentation:
    principal = slot.office
    if allowed.capacity is Capacity.HOLDER:
        return _Presentation(principal, principal.title, None)
    own = None
    if mandate is not None and mandate.deputy_office is not None:
        own = mandate.deputy_office
    own = own or _deputy_office(user, principal)
    if own is None:
        offices = user.current_offices
        own = offices[0] if offices else None
    line = f"{allowed.capacity.line} {principal.title}" if allowed.capacity.line else None
    on_behalf = None
    if allowed.capacity is Capacity.STAND_IN:
        on_behalf = f"{principal.kind.label} (tanpa mandat)"
    return _Presentation(own, own.title if own is not None else user.display_name, line, on_behalf)


def _field_for(slot: Slot, kind: ActKind) -> str | None:
    if kind is ActKind.DECLINE:
        return None
    if kind is ActKind.PARAF:
        if not slot.paraf_field_name:
            raise refuse("no_paraf_field")
        return slot.paraf_field_name
    return slot.field_name


def pdf_reason(kind: ActKind, slot: Slot, allowed: AllowedAct, attested: Act | None) -> str:
    """The signature's /Reason: fixed words derived from the act (kind, capacity, office).

    Never the user's text: a note (or a decline's reason) is stored with the act and shown in
    the app. What a deputy's paraf says in the PDF cannot be chosen by the deputy.
    """
    principal = slot.office.title
    line = allowed.capacity.line
    office = f"{line} {principal}" if line else principal
    if kind is ActKind.WITNESS:
        reason = f"Saksi sebagai {principal}"
        if attested is not None:
            of = attested.actor_office_title or attested.slot.office.title
            reason += f" atas {attested.kind.label.lower()} {of}"
        return reason
    if kind is ActKind.PARAF:
        if allowed.capacity is Capacity.STAND_IN:
            return f"Paraf mewakili {principal} (tanpa mandat; bukan tanda tangan)"
        return f"Paraf sebagai {office} (bukan tanda tangan)"
    return f"Menandatangani komitmen sebagai {office}"


def _note(text: str | None) -> str | None:
    """A user's note or reason as stored: whitespace collapsed, at most 2000 characters."""
    cleaned = " ".join((text or "").split())[:2000]
    return cleaned or None


def _witnessed(attested: Act | None) -> str | None:
    """The witnessed act as a witness mark names it: "tanda tangan Bupati Kotawaringin Timur"."""
    if attested is None:
        return None
    office = attested.actor_office_title or attested.slot.office.title
    return f"{attested.kind.label.lower()} {office}"


def _latest_party_act(commitment: Commitment) -> Act | None:
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
    shown = _presentation(slot, user, allowed, mandate)
    attested = None
    if kind is ActKind.WITNESS:
        attested = (
            next(a for a in commitment.acts if a.id == attests_act_id)
            if attests_act_id is not None
            else _latest_party_act(commitment)
        )
    field_name = _field_for(slot, kind)
    sha_before = commitment.current_sha256
    new_pdf: bytes | None = None
    certificate_id = None
    declined: dict[str, Any] = {}
    if kind is ActKind.DECLINE:
        declined = _sign_decline(
            db_session,
            commitment,
            role=role,
            user=user,
            passphrase=passphrase or "",
            shown=shown,
            allowed=allowed,
            reason=_note(reason) or "",
            now=now,
        )
        certificate_id = declined.pop("certificate_id")
    else:
        new_pdf, certificate_id = _sign_pdf(
            db_session,
            commitment,
            user=user,
            passphrase=passphrase or "",
            field_name=field_name,
            kind=kind,
            appearance_name=user.display_name,
            shown=shown,
            witnessed=_witnessed(attested),
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
        reason=_note(reason),
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
            from signing.commitments.storage import store_revision

            # One flush writes the act, its revision and the commitment's new hash.
            store_revision(
                db_session, commitment, new_pdf, kind.value, act=act, sha256=act.sha256_after
            )
            # Every signed revision is followed by a document time stamp with the revocation
            # data of this signature (B-LTA for every copy handed out, complete or not).
            _timestamp(db_session, commitment, new_pdf, certificate_id)
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
    _notify_after_act(db_session, commitment, act, before_status, after_status)
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
        audit.record(
            db_session,
            "commitment.complete",
            actor=user,
            object_type="commitment",
            object_id=commitment.id,
            commitment_id=commitment.id,
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
    from sqlalchemy.orm.attributes import flag_modified

    # Re-writing an unchanged column makes the UPDATE that bumps (and checks) lock_version.
    flag_modified(commitment, "current_sha256")


def _sign_pdf(
    db_session: Session,
    commitment: Commitment,
    *,
    user: User,
    passphrase: str,
    field_name: str | None,
    kind: ActKind,
    appearance_name: str,
    shown: _Presentation,
    reason: str,
    now: dt.datetime,
    witnessed: str | None = None,
) -> tuple[bytes, int | None]:
    from signing.commitments.errors import CommitmentError
    from signing.commitments.storage import current_pdf
    from signing.pades.errors import FieldAlreadySigned, PadesError
    from signing.pades.sign import Appearance, apply_act
    from signing.pki import service
    from signing.pki.errors import PkiError

    try:
        signer = service.signer_for_act(db_session, user, passphrase)
    except PkiError as error:
        raise error.refused() from None
    with signer:
        try:
            # Checked against its hash (commitment.current_sha256) as it is loaded.
            pdf = current_pdf(db_session, commitment)
        except CommitmentError as error:
            raise refuse("signing_failed", detail=str(error)) from None
        appearance = Appearance(
            name=appearance_name,
            office=shown.office_title,
            capacity_line=shown.capacity_line,
            signed_at=now,
            document_code=commitment.code,
            on_behalf=shown.on_behalf,
            witnessed=witnessed,
            specimen=specimen_for(db_session, user, kind),
        )
        try:
            new_pdf = apply_act(
                pdf,
                field_name=field_name or "",
                kind=kind.value,
                signer=signer,
                appearance=appearance,
                reason=reason,
                location=commitment.event.place if commitment.event is not None else None,
                timestamper=service.timestamper(),
                validation_context=service.validation_context(db_session),
                # signer_for_act checked the chain and the current CRLs just now.
                signer_checked=True,
                # Every copy of the signed document pins the audit log up to this act.
                audit_head=audit.chain_head(db_session, write_locked=True),
            )
        except FieldAlreadySigned:
            raise refuse("already_signed") from None
        except PkiError as error:
            raise error.refused() from None
        except PadesError as error:
            raise refuse("signing_failed", detail=str(error)) from None
        certificate_id = getattr(signer, "certificate_id", None)
    return new_pdf, certificate_id


def decline_statement(
    commitment: Commitment,
    *,
    role: SlotRole,
    user: User,
    shown: _Presentation,
    allowed: AllowedAct,
    reason: str,
    now: dt.datetime,
    audit_head: tuple[int, str] | None,
) -> str:
    """The words an official signs to decline (kept, with the signature, in the audit log)."""
    principal = commitment.slot(role).office.title
    capacity = f"{allowed.capacity.line} {principal}" if allowed.capacity.line else principal
    head = f"{audit_head[0]}:{audit_head[1]}" if audit_head else "-"
    return "\n".join(
        [
            "signing-decline/v1",
            f"Dokumen: {commitment.number} (kode {commitment.code}, id {commitment.id})",
            f"SHA-256 dokumen: {commitment.current_sha256}",
            f"Bagian tanda tangan: {role.value}",
            f"Menolak sebagai: {capacity}",
            f"Oleh: {user.display_name} ({shown.office_title})",
            f"Waktu (UTC): {now.astimezone(dt.UTC).isoformat()}",
            f"Alasan: {reason}",
            f"Kepala log audit: {head}",
        ]
    )


def _sign_decline(
    db_session: Session,
    commitment: Commitment,
    *,
    role: SlotRole,
    user: User,
    passphrase: str,
    shown: _Presentation,
    allowed: AllowedAct,
    reason: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Unlock the official's key (a wrong passphrase counts toward the lockout, as for any
    act) and sign the decline's statement with it (detached CMS)."""
    import base64

    from signing.pades.errors import PadesError
    from signing.pades.statement import sign_statement
    from signing.pki import service
    from signing.pki.errors import PkiError

    try:
        signer = service.signer_for_act(db_session, user, passphrase)
    except PkiError as error:
        raise error.refused() from None
    with signer:
        statement = decline_statement(
            commitment,
            role=role,
            user=user,
            shown=shown,
            allowed=allowed,
            reason=reason,
            now=now,
            audit_head=audit.chain_head(db_session, write_locked=True),
        )
        try:
            signature = sign_statement(signer, statement.encode())
        except PadesError as error:
            raise refuse("signing_failed", detail=str(error)) from None
        return {
            "certificate_id": getattr(signer, "certificate_id", None),
            "statement": statement,
            "statement_signature": base64.b64encode(signature).decode("ascii"),
            "certificate_serial": signer.certificate.serial_number,
        }


def _timestamp(
    db_session: Session, commitment: Commitment, pdf: bytes, certificate_id: int | None
) -> None:
    """Store ``pdf`` with a document time stamp as the commitment's next revision: the DSS of
    that revision holds the current CRLs and an OCSP response for the certificate that just
    signed, so the copy validates offline long after those CRLs expire."""
    from signing.commitments.storage import store_revision
    from signing.models import SigningCertificate
    from signing.pades.errors import PadesError
    from signing.pki import service

    # Loaded by the unlock of this very act: the identity map answers, no query.
    record = db_session.get(SigningCertificate, certificate_id) if certificate_id else None
    signers = [service.certificate_of(record)] if record is not None else []
    try:
        stamped = service.document_timestamp(db_session, pdf, signers)
    except PadesError as error:
        raise refuse("signing_failed", detail=str(error)) from None
    store_revision(db_session, commitment, stamped, "timestamp")


# ------------------------------------------------------------------------------ notifications


def slot_recipients(db_session: Session, slot: Slot, today: dt.date | None = None) -> list[User]:
    """Who should hear about a slot: the office's current holder(s) with an account, and
    holders of a mandate for it valid today."""
    today = today or today_wib()
    users: dict[int, User] = {}
    for holder in slot.office.holders:
        if holder.ended_on is None and holder.user is not None and holder.user.active:
            users[holder.user.id] = holder.user
    mandates = db_session.execute(
        _office_mandates_statement(), {"office_id": slot.office_id}
    ).scalars()
    commitment = slot.commitment
    for mandate in mandates:
        if mandate.is_valid_on(today) and mandate.event_id in (None, commitment.event_id):
            if mandate.deputy.active:
                users.setdefault(mandate.deputy.id, mandate.deputy)
    return list(users.values())


def _region_name(commitment: Commitment) -> str:
    return commitment.region.name if commitment.region is not None else commitment.number


def _notify_turn(
    db_session: Session, commitment: Commitment, role: SlotRole, *, reminder: bool
) -> list:
    slot = commitment.slot(role)
    return [
        notify(
            db_session,
            user,
            "turn",
            url=commitment_url(commitment),
            commitment=commitment,
            region=_region_name(commitment),
            number=commitment.number,
            office=slot.office.title,
            witness=role.is_witness,
            reminder=reminder,
        )
        for user in slot_recipients(db_session, slot)
    ]


def _notify_after_act(
    db_session: Session,
    commitment: Commitment,
    act: Act,
    before: CommitmentStatus,
    after: CommitmentStatus,
) -> None:
    for role in after.whose_turn:
        if role not in before.whose_turn:
            _notify_turn(db_session, commitment, role, reminder=False)
    if act.kind is ActKind.PARAF and act.capacity is Capacity.STAND_IN and act.slot is not None:
        slot = act.slot
        for user in slot_recipients(db_session, slot):
            if user.id != act.actor_user_id:
                notify(
                    db_session,
                    user,
                    "paraf_on_behalf",
                    url=commitment_url(commitment),
                    commitment=commitment,
                    region=_region_name(commitment),
                    number=commitment.number,
                    office=slot.office.title,
                    actor=act.actor_name,
                    actor_office=act.actor_office_title,
                )


# ------------------------------------------------------------------------------ mandates


def _require_secretariat(actor: Any, refusal: str) -> None:
    """Refuse (``refusal``: a ``forbidden_*`` entry) an actor who is not secretariat or admin."""
    if isinstance(actor, User) and actor.role not in (Role.SECRETARIAT, Role.ADMIN):
        raise refuse(refusal)


def mandate_warning(
    db_session: Session, *, principal_office: Office, deputy_user: User, kind: MandateKind | str
) -> str | None:
    """What a new mandate would lead to under "one person, one role per commitment", or None.

    A Wakil Gubernur given an a.n. Gubernur mandate is also the first witness of every
    commitment: wherever he signs for the Gubernur, someone else must witness. Recorded anyway
    (the letter exists); the secretariat is told, and the audit entry keeps the warning.
    """
    others = active_mandates(db_session, deputy_user)
    conflicts = rules.mandate_role_conflicts(principal_office, deputy_user, others)
    if not conflicts:
        return None
    line = MandateKind(kind).value
    capacity = Capacity(line).line or ""
    offices = ", ".join(o.title for o in conflicts)
    return (
        f"Perhatian: {deputy_user.display_name} juga bertindak sebagai {offices} pada komitmen "
        f"yang sama. Satu orang hanya berperan satu kali pada satu komitmen: pada komitmen "
        f"tempat ia bertindak sebagai {capacity} {principal_office.title}, bagian {offices} "
        "harus diisi orang lain (misalnya dengan mandat Plh.), dan sebaliknya."
    )


def record_mandate(
    db_session: Session,
    *,
    principal_office: Office,
    deputy_user: User,
    kind: MandateKind | str,
    letter_number: str,
    letter_date: dt.date,
    valid_from: dt.date,
    valid_until: dt.date | None,
    event: Event | None = None,
    actor: Any,
) -> Mandate:
    """Record a mandate letter (Plt./Plh./a.n.) letting ``deputy_user`` act for an office.

    :raises WorkflowRefused: ``invalid_mandate`` (422) with the reason; ``forbidden`` (403) when
        ``actor`` is a user who is not secretariat or administrator.
    """
    _require_secretariat(actor, "forbidden_mandate")
    kind = MandateKind(kind)
    problems = []
    if not letter_number or not letter_number.strip():
        problems.append(Phrase(N_("nomor surat mandat wajib diisi")))
    if valid_until is not None and valid_until < valid_from:
        problems.append(Phrase(N_("tanggal akhir berlaku sebelum tanggal mulai")))
    if deputy_user.role != Role.OFFICIAL:
        problems.append(Phrase(N_("penerima mandat harus akun pejabat")))
    if any(o.id == principal_office.id for o in deputy_user.current_offices):
        problems.append(
            Phrase(N_("pemegang jabatan tidak memerlukan mandat untuk jabatannya sendiri"))
        )
    if event is not None and event.province_code != principal_office.province_code:
        problems.append(Phrase(N_("acara tidak berada di provinsi jabatan tersebut")))
    if problems:
        raise refuse("invalid_mandate", problems=problems)
    warning = mandate_warning(
        db_session, principal_office=principal_office, deputy_user=deputy_user, kind=kind
    )
    deputy_office = _deputy_office(deputy_user, principal_office)
    if deputy_office is None:
        offices = deputy_user.current_offices
        deputy_office = offices[0] if offices else None
    mandate = Mandate(
        kind=kind,
        principal_office_id=principal_office.id,
        deputy_user_id=deputy_user.id,
        deputy_office_id=deputy_office.id if deputy_office is not None else None,
        letter_number=letter_number.strip(),
        letter_date=letter_date,
        valid_from=valid_from,
        valid_until=valid_until,
        event_id=event.id if event is not None else None,
        created_at=utcnow(),
        created_by_id=actor.id if isinstance(actor, User) else None,
    )
    db_session.add(mandate)
    db_session.flush()
    audit.record(
        db_session,
        "mandate.create",
        actor=actor,
        object_type="mandate",
        object_id=mandate.id,
        details={
            "kind": kind.value,
            "principal_office": principal_office.title,
            "deputy": deputy_user.username,
            "deputy_office": deputy_office.title if deputy_office is not None else None,
            "letter_number": mandate.letter_number,
            "letter_date": letter_date.isoformat(),
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "event_id": mandate.event_id,
            "warning": warning,
        },
    )
    return mandate


def revoke_mandate(
    db_session: Session, mandate: Mandate, *, actor: Any, reason: str | None = None
) -> Mandate:
    """End a mandate now; acts already made under it stay valid (they were, when made)."""
    _require_secretariat(actor, "forbidden_revoke")
    if mandate.revoked_at is not None:
        raise refuse("mandate_revoked")
    mandate.revoked_at = utcnow()
    db_session.flush()
    audit.record(
        db_session,
        "mandate.revoke",
        actor=actor,
        object_type="mandate",
        object_id=mandate.id,
        details={"reason": reason, "letter_number": mandate.letter_number},
    )
    return mandate


# ------------------------------------------------------------------------------ void


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
    _require_secretariat(actor, "forbidden_void")
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
    audit.record(
        db_session,
        "commitment.void",
        actor=actor,
        object_type="commitment",
        object_id=locked.id,
        commitment_id=locked.id,
        sha256_before=locked.current_sha256,
        sha256_after=locked.current_sha256,
        details={"reason": locked.void_reason, "number": locked.number, "reissue": reissue},
    )
    if not reissue:
        return None
    from signing.commitments.generation import new_version_after_void

    replacement = new_version_after_void(db_session, locked, actor=actor)
    status = commitment_status(replacement)
    for role in status.whose_turn:
        _notify_turn(db_session, replacement, role, reminder=False)
    db_session.flush()
    return replacement


# ------------------------------------------------------------------------------ reminders


def send_reminder(
    db_session: Session, commitment: Commitment, role: SlotRole | str, *, actor: Any
) -> list:
    """Remind whoever holds ``role`` on ``commitment`` that it is their turn (inbox + mail).

    :raises WorkflowRefused: ``not_your_turn`` when nothing is owed by that slot now.
    """
    _require_secretariat(actor, "forbidden_remind")
    role = SlotRole(role)
    status = commitment_status(commitment)
    if role not in status.whose_turn:
        state = status.slots[role].state
        done = state in (SlotState.SIGNED, SlotState.DECLINED)
        raise refuse("remind_done" if done else "remind_not_yet", state=state.label)
    sent = _notify_turn(db_session, commitment, role, reminder=True)
    db_session.flush()
    audit.record(
        db_session,
        "reminder.send",
        actor=actor,
        object_type="commitment",
        object_id=commitment.id,
        commitment_id=commitment.id,
        details={"role": role.value, "recipients": [n.user_id for n in sent]},
    )
    return sent


def send_event_reminders(db_session: Session, event_id: int, *, actor: Any) -> list:
    """Remind every slot whose turn it is, on every open commitment of the event."""
    sent: list = []
    for commitment, status in event_overview(db_session, event_id):
        for role in status.whose_turn:
            sent.extend(send_reminder(db_session, commitment, role, actor=actor))
    return sent
