"""What an act puts into the document: the actor's presentation, the signature's fixed /Reason,
the PAdES signature (or the decline's signed statement) and the document time stamp after it;
and the check of every decline's statement in the audit log, beside the code that signs it.

Called by :func:`signing.workflow.acts.perform_act` inside the commitment's lock; a failure is a
:class:`WorkflowRefused` with the key store's or pyHanko's reason.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.audit import ChainProblem
from signing.commitments.errors import CommitmentError
from signing.commitments.storage import current_pdf, store_revision
from signing.models import (
    Act,
    ActKind,
    AuditEntry,
    Capacity,
    Commitment,
    Mandate,
    Office,
    SigningCertificate,
    Slot,
    SlotRole,
    User,
)
from signing.pades.errors import FieldAlreadySigned, PadesError
from signing.pades.sign import Appearance, apply_act
from signing.pades.statement import sign_statement, verify_statement
from signing.pki import service
from signing.pki.errors import PkiError
from signing.specimens import specimen_for
from signing.workflow.mandates import deputy_office_of
from signing.workflow.refusals import refuse
from signing.workflow.rules import AllowedAct


@dataclass(frozen=True)
class Presentation:
    """How the actor appears: the office they act in and the Plt./Plh./a.n. line."""

    office: Office | None
    office_title: str
    capacity_line: str | None
    #: A stand-in without a mandate: whom the mark says they stand in for.
    on_behalf: str | None = None


def presentation(
    slot: Slot, user: User, allowed: AllowedAct, mandate: Mandate | None
) -> Presentation:
    principal = slot.office
    if allowed.capacity is Capacity.HOLDER:
        return Presentation(principal, principal.title, None)
    own = None
    if mandate is not None and mandate.deputy_office is not None:
        own = mandate.deputy_office
    own = own or deputy_office_of(user, principal)
    if own is None:
        offices = user.current_offices
        own = offices[0] if offices else None
    line = f"{allowed.capacity.line} {principal.title}" if allowed.capacity.line else None
    on_behalf = None
    if allowed.capacity is Capacity.STAND_IN:
        on_behalf = f"{principal.kind.label} (tanpa mandat)"
    return Presentation(own, own.title if own is not None else user.display_name, line, on_behalf)


def field_for(slot: Slot, kind: ActKind) -> str | None:
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


def stored_note(text: str | None) -> str | None:
    """A user's note or reason as stored: whitespace collapsed, at most 2000 characters."""
    cleaned = " ".join((text or "").split())[:2000]
    return cleaned or None


def witnessed_words(attested: Act | None) -> str | None:
    """The witnessed act as a witness mark names it: "tanda tangan Bupati Kotawaringin Timur"."""
    if attested is None:
        return None
    office = attested.actor_office_title or attested.slot.office.title
    return f"{attested.kind.label.lower()} {office}"


def sign_pdf(
    db_session: Session,
    commitment: Commitment,
    *,
    user: User,
    passphrase: str,
    field_name: str | None,
    kind: ActKind,
    appearance_name: str,
    shown: Presentation,
    reason: str,
    now: dt.datetime,
    witnessed: str | None = None,
) -> tuple[bytes, int | None]:

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
    shown: Presentation,
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


def sign_decline(
    db_session: Session,
    commitment: Commitment,
    *,
    role: SlotRole,
    user: User,
    passphrase: str,
    shown: Presentation,
    allowed: AllowedAct,
    reason: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Unlock the official's key (a wrong passphrase counts toward the lockout, as for any
    act) and sign the decline's statement with it (detached CMS)."""

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


def timestamp_revision(
    db_session: Session, commitment: Commitment, pdf: bytes, certificate_id: int | None
) -> None:
    """Store ``pdf`` with a document time stamp as the commitment's next revision: the DSS of
    that revision holds the current CRLs and an OCSP response for the certificate that just
    signed, so the copy validates offline long after those CRLs expire."""

    # Loaded by the unlock of this very act: the identity map answers, no query.
    record = db_session.get(SigningCertificate, certificate_id) if certificate_id else None
    signers = [service.certificate_of(record)] if record is not None else []
    try:
        stamped = service.document_timestamp(db_session, pdf, signers)
    except PadesError as error:
        raise refuse("signing_failed", detail=str(error)) from None
    store_revision(db_session, commitment, stamped, "timestamp")


def verify_decline_signatures(db_session: Session) -> list[ChainProblem]:
    """Check the official's signature over each decline's statement (``act.decline`` entries).

    A decline changes no PDF, so its statement, signed with the official's key, is what makes
    it an act (issue 15). Each is checked against the app's trust roots as of the entry's time
    (a certificate revoked or expired later does not undo a decline made before). Declines
    recorded before statements were signed carry none and are skipped.
    """
    entries = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.decline").order_by(AuditEntry.id)
    ).scalars()
    problems: list[ChainProblem] = []
    roots = crls = None
    for entry in entries:
        statement = entry.details.get("statement")
        encoded = entry.details.get("statement_signature")
        if statement is None and encoded is None:
            continue
        if roots is None:
            roots, crls = service.trust_roots(), service.current_crls(db_session)
        try:
            signature = base64.b64decode(encoded or "", validate=True)
        except (binascii.Error, ValueError):
            signature = b""
        check = verify_statement(
            (statement or "").encode(),
            signature,
            trust_roots=roots,
            crls=crls,
            moment=entry.created_at.replace(tzinfo=entry.created_at.tzinfo or dt.UTC),
        )
        if not check.valid or check.serial != entry.details.get("certificate_serial"):
            problems.append(
                ChainProblem(
                    entry.id, "penolakan tidak bertanda tangan sah pejabat (pernyataan diubah?)"
                )
            )
    return problems
