"""The content of a commitment document, read from the event, the region and the registry."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from signing.commitments.errors import GenerationError, MissingHolder, MissingOffice
from signing.documents.content import CommitmentContent, Party
from signing.models.commitments import Commitment, Mandate, MandateKind, SlotRole
from signing.models.events import Event
from signing.models.regions import Office, OfficeKind, Region

#: Offices of the provincial slots.
PROVINCIAL_SLOT_OFFICES = {
    SlotRole.GUBERNUR: OfficeKind.GUBERNUR,
    SlotRole.SAKSI_WAKIL_GUBERNUR: OfficeKind.WAKIL_GUBERNUR,
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: OfficeKind.KETUA_DPRD_PROVINSI,
}
#: The delegation marker printed above the office in the signature block.
MANDATE_LINES = {MandateKind.PLT: "Plt.", MandateKind.PLH: "Plh.", MandateKind.AN: "a.n."}
#: Slots whose holders sign without NIP (Kepala Daerah and their deputies).
_NO_NIP = {SlotRole.GUBERNUR, SlotRole.KEPALA_DAERAH, SlotRole.SAKSI_WAKIL_GUBERNUR}


def slot_office_kind(role: SlotRole, region: Region) -> OfficeKind:
    if role is SlotRole.KEPALA_DAERAH:
        return region.head_office_kind
    if role is SlotRole.KETUA_DPRD:
        return OfficeKind.KETUA_DPRD
    return PROVINCIAL_SLOT_OFFICES[role]


def resolve_offices(db_session: Session, region: Region) -> dict[SlotRole, Office]:
    """The principal office of every slot of ``region``'s commitment.

    :raises MissingOffice: the registry has no such office.
    """
    offices: dict[SlotRole, Office] = {}
    for role in SlotRole:
        kind = slot_office_kind(role, region)
        query = sa.select(Office).where(Office.kind == kind)
        if kind.is_provincial:
            query = query.where(
                Office.province_code == region.province_code, Office.region_id.is_(None)
            )
        else:
            query = query.where(Office.region_id == region.id)
        office = db_session.execute(query).scalars().first()
        if office is None:
            raise MissingOffice(kind.label, region.name)
        offices[role] = office
    return offices


def applicable_mandate(db_session: Session, office: Office, event: Event) -> Mandate | None:
    """A Plt./Plh./a.n. mandate for ``office`` valid on the event's day, newest first."""
    candidates = db_session.execute(
        sa.select(Mandate)
        .where(
            Mandate.principal_office_id == office.id,
            Mandate.revoked_at.is_(None),
            sa.or_(Mandate.event_id.is_(None), Mandate.event_id == event.id),
        )
        .order_by(Mandate.event_id.is_(None), Mandate.id.desc())
    ).scalars()
    for mandate in candidates:
        if mandate.is_valid_on(event.date):
            return mandate
    return None


def party_for(
    db_session: Session, role: SlotRole, office: Office, event: Event, region: Region
) -> Party:
    """Who is printed in ``role``'s signature block.

    The current holder; when a mandate for the office is valid on the event's day, the deputy
    with the Plt./Plh./a.n. line (a Plt. fills a vacancy, so then no holder is needed).

    :raises MissingHolder: neither a holder nor a mandate.
    """
    mandate = applicable_mandate(db_session, office, event)
    if mandate is not None:
        deputy_office = mandate.deputy_office
        holder = deputy_office.current_holder if deputy_office is not None else None
        if holder is not None and holder.user_id == mandate.deputy_user_id:
            name = holder.name
        else:
            name = mandate.deputy.display_name
        return Party(
            slot=role.value,
            office_title=office.title.upper(),
            holder_name=name,
            capacity_line=MANDATE_LINES[mandate.kind],
            acting_office_title=deputy_office.kind.label.upper() if deputy_office else None,
        )
    holder = office.current_holder
    if holder is None:
        raise MissingHolder(office.title, region.name)
    return Party(
        slot=role.value,
        office_title=office.title.upper(),
        holder_name=holder.name,
        nip=None if role in _NO_NIP else holder.nip,
    )


def verification_url(code: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/v/{code}"


def content_for(
    db_session: Session,
    event: Event,
    region: Region,
    offices: dict[SlotRole, Office],
    *,
    number: str,
    code: str,
) -> CommitmentContent:
    parties = {
        role.value: party_for(db_session, role, office, event, region)
        for role, office in offices.items()
    }
    try:
        return CommitmentContent(
            province_name=region.province.name,
            region_name=region.short_name,
            region_kind=region.kind,
            document_number=number,
            document_code=code,
            event_name=event.name,
            event_date=event.date,
            event_place=event.place,
            legal_bases=tuple(event.legal_bases or ()),
            considerations=tuple(event.considerations or ()),
            points=tuple(event.points or ()),
            verification_url=verification_url(code),
            **parties,
        )
    except ValueError as error:
        raise GenerationError(f"{region.name}: isi dokumen tidak lengkap ({error}).") from error


def build_content(
    db_session: Session, commitment: Commitment, offices: dict[SlotRole, Office] | None = None
) -> CommitmentContent:
    """The document content of ``commitment`` from its slots' offices (or ``offices``) and
    their current holders.

    :raises MissingHolder: an office has no holder (named with the region).
    :raises GenerationError: the event's text is incomplete (e.g. no commitment point).
    """
    if offices is None:
        offices = {slot.role: slot.office for slot in commitment.slots}
    missing = [role for role in SlotRole if role not in offices]
    if missing:
        offices.update(
            {
                role: office
                for role, office in resolve_offices(db_session, commitment.region).items()
                if role in missing
            }
        )
    return content_for(
        db_session,
        commitment.event,
        commitment.region,
        offices,
        number=commitment.number,
        code=commitment.code,
    )
