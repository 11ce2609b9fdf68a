"""Mandates (Plt./Plh./a.n.): the deputy's unrevoked mandates, recording and revoking them.

Operations flush and write their audit entry; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from signing import audit
from signing.db import utcnow
from signing.models import Capacity, Event, Mandate, MandateKind, Office, Role, User
from signing.workflow import rules
from signing.workflow.refusals import N_, Phrase, refuse


@functools.cache
def _mandates_statement() -> sa.Select[tuple[Mandate]]:
    return (
        sa.select(Mandate)
        .where(Mandate.deputy_user_id == sa.bindparam("user_id"), Mandate.revoked_at.is_(None))
        .options(selectinload(Mandate.principal_office), selectinload(Mandate.deputy_office))
        .order_by(Mandate.id)
    )


@functools.cache
def office_mandates_statement() -> sa.Select[tuple[Mandate]]:
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


def deputy_office_of(user: User, principal: Office) -> Office | None:
    for holding in user.holdings:
        if holding.ended_on is not None:
            continue
        office = holding.office
        if office.kind.deputy_of == principal.kind and office.region_id == principal.region_id:
            return office
    return None


def require_secretariat(actor: Any, refusal: str) -> None:
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
    require_secretariat(actor, "forbidden_mandate")
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
    deputy_office = deputy_office_of(deputy_user, principal_office)
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
    audit.record_about(
        db_session,
        "mandate.create",
        mandate,
        actor=actor,
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
    require_secretariat(actor, "forbidden_revoke")
    if mandate.revoked_at is not None:
        raise refuse("mandate_revoked")
    mandate.revoked_at = utcnow()
    db_session.flush()
    audit.record_about(
        db_session,
        "mandate.revoke",
        mandate,
        actor=actor,
        details={"reason": reason, "letter_number": mandate.letter_number},
    )
    return mandate
