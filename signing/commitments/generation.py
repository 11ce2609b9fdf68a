"""Generating commitments: create the record and its slots, render, add every field, seal.

Each generated document goes through two stored revisions: ``generated`` (the rendered PDF with
all eight signature fields, deterministic: the same data gives the same bytes) and ``sealed``
(the issuing office's certification signature, DocMDP FILL_FORMS, so later signatures, parafs
and witness marks keep it valid). The seal is recorded as an :class:`~signing.models.Act` of kind
SEAL without a slot: it is a signature in the PDF like the others, so verification can name the
kind of every signature from the acts table; status logic counts only slot acts.

Operations write audit entries and never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.content import build_content, content_for, resolve_offices
from signing.commitments.errors import GenerationError, GenerationRefused
from signing.commitments.event_text import update_event_text
from signing.commitments.sealing import (
    FIELD_LOCKS,
    SEAL_FIELD,
    render_and_seal,
    render_fielded,
    start_writing,
)
from signing.db import utcnow
from signing.documents.content import PARTY_SLOTS, paraf_field_name, signature_field_name
from signing.models import (
    Act,
    ActKind,
    Commitment,
    Event,
    Office,
    Region,
    Revision,
    Slot,
    SlotRole,
)
from signing.pki import service as pki

__all__ = [
    "FIELD_LOCKS",
    "SEAL_FIELD",
    "GenerationReport",
    "commitment_number",
    "event_regions",
    "generate_commitment",
    "generate_event",
    "new_version_after_void",
    "regenerate",
    "regions_for",
    "render_fielded",
    "update_event_text",
]

#: Crockford's base32 without I, L, O, U: unambiguous when read aloud or typed from paper.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 8

#: Progress callback: (region, outcome) with outcome "generated", "skipped" or "error".
Progress = Callable[[Region, str], None]


@dataclass
class GenerationReport:
    generated: list[Commitment] = field(default_factory=list)
    skipped: list[Region] = field(default_factory=list)
    errors: list[tuple[Region, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def commitment_number(event: Event, region: Region, version: int) -> str:
    base = f"{event.number_prefix}/{region.kemendagri_code}/{event.date.year}"
    return base if version == 1 else f"{base}/V{version}"


def _new_code(db_session: Session, region: Region) -> str:
    prefix = region.kemendagri_code.replace(".", "")
    for _attempt in range(20):
        code = prefix + "-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        taken = db_session.execute(sa.select(Commitment.id).where(Commitment.code == code)).first()
        if taken is None:
            return code
    raise GenerationError("Tidak dapat membuat kode dokumen yang unik.")  # 40 bits: never


def _party_acts(db_session: Session, commitment_ids: Iterable[int]) -> int:
    ids = list(commitment_ids)
    if not ids:
        return 0
    return db_session.execute(
        sa.select(sa.func.count(Act.id)).where(Act.commitment_id.in_(ids), Act.kind != ActKind.SEAL)
    ).scalar_one()


def _versions(db_session: Session, event: Event, region: Region) -> list[Commitment]:
    return list(
        db_session.execute(
            sa.select(Commitment)
            .where(Commitment.event_id == event.id, Commitment.region_id == region.id)
            .order_by(Commitment.version)
        ).scalars()
    )


def current_commitment(db_session: Session, event: Event, region: Region) -> Commitment | None:
    """The region's live (not voided) commitment at ``event``, if any."""
    live = [c for c in _versions(db_session, event, region) if not c.is_void]
    return live[-1] if live else None


def _create(
    db_session: Session,
    event: Event,
    region: Region,
    *,
    version: int,
    replaces: Commitment | None,
    actor: Any,
) -> Commitment:
    offices = resolve_offices(db_session, region)
    number = commitment_number(event, region, version)
    taken = db_session.execute(sa.select(Commitment.id).where(Commitment.number == number)).first()
    if taken is not None:
        raise GenerationRefused(refusal="number_taken", region=region.name, number=number)
    code = _new_code(db_session, region)
    # Resolve every party before writing anything: a missing holder names office and region.
    content_for(db_session, event, region, offices, number=number, code=code)
    commitment = Commitment(
        event=event,
        region=region,
        version=version,
        number=number,
        code=code,
        replaces_id=replaces.id if replaces is not None else None,
        created_at=utcnow(),
    )
    db_session.add(commitment)
    db_session.flush()
    _add_slots(db_session, commitment, offices)

    render_and_seal(
        db_session,
        commitment,
        actor,
        action="commitment.generate",
        details={
            "event_id": event.id,
            "region": region.kemendagri_code,
            "number": number,
            "code": code,
            "version": version,
            "replaces_id": commitment.replaces_id,
        },
    )
    return commitment


def _add_slots(
    db_session: Session, commitment: Commitment, offices: dict[SlotRole, Office]
) -> None:
    for position, role in enumerate(SlotRole):
        is_party = role.value in PARTY_SLOTS
        db_session.add(
            Slot(
                commitment_id=commitment.id,
                role=role,
                office_id=offices[role].id,
                position=position,
                field_name=signature_field_name(role.value),
                paraf_field_name=paraf_field_name(role.value) if is_party else None,
            )
        )
    db_session.flush()
    db_session.refresh(commitment, ["slots"])


def generate_commitment(
    db_session: Session, event: Event, region: Region, *, actor: Any
) -> Commitment:
    """Create, render, field and seal the commitment of ``region`` at ``event``.

    Number ``{event.number_prefix}/{kemendagri code}/{year}`` (``/V<n>`` from version 2 on) and a
    short random code for the footer and the verification URL. When every earlier version was
    voided, this is the next version and replaces the newest one.

    :raises GenerationRefused: the region already has a live commitment at this event.
    :raises MissingOffice, MissingHolder: the registry lacks an office or its holder.
    :raises GenerationError: rendering or sealing failed.
    """
    start_writing(db_session)
    if event.province_code != region.province_code:
        raise GenerationRefused(refusal="region_elsewhere", region=region.name)
    versions = _versions(db_session, event, region)
    live = [c for c in versions if not c.is_void]
    if live:
        raise GenerationRefused(
            refusal="commitment_exists", region=region.name, number=live[-1].number
        )
    replaces = versions[-1] if versions else None
    version = replaces.version + 1 if replaces is not None else 1
    return _create(db_session, event, region, version=version, replaces=replaces, actor=actor)


def new_version_after_void(db_session: Session, voided: Commitment, *, actor: Any) -> Commitment:
    """Issue version n+1 of a voided commitment (new number, ``replaces_id`` set; old kept).

    :raises GenerationRefused: not voided, or a newer version exists already.
    """
    start_writing(db_session)
    if not voided.is_void:
        raise GenerationRefused(refusal="not_voided", number=voided.number)
    newer = db_session.execute(
        sa.select(Commitment.number).where(
            Commitment.event_id == voided.event_id,
            Commitment.region_id == voided.region_id,
            Commitment.version > voided.version,
        )
    ).scalar()
    if newer is not None:
        raise GenerationRefused(refusal="replaced", number=voided.number, newer=newer)
    return _create(
        db_session,
        voided.event,
        voided.region,
        version=voided.version + 1,
        replaces=voided,
        actor=actor,
    )


def regenerate(db_session: Session, commitment: Commitment, *, actor: Any) -> Commitment:
    """Render and seal ``commitment`` again from current data (number and code unchanged).

    Allowed only while no party or witness has acted (the seal does not count).

    :raises GenerationRefused: voided, or someone has acted on it.
    """
    start_writing(db_session)
    # Lock the row (PostgreSQL; SQLite is serialised by BEGIN IMMEDIATE) so that no act can
    # land on the old document between the check below and the new revisions.
    db_session.execute(
        sa.select(Commitment.id).where(Commitment.id == commitment.id).with_for_update()
    )
    if commitment.is_void:
        raise GenerationRefused(refusal="regenerate_void", number=commitment.number)
    if _party_acts(db_session, [commitment.id]):
        raise GenerationRefused(refusal="regenerate_acted", number=commitment.number)
    before = commitment.current_sha256
    offices = resolve_offices(db_session, commitment.region)
    build_content(db_session, commitment, offices)
    for slot in commitment.slots:
        slot.office_id = offices[slot.role].id
    db_session.flush()
    # The old seal act goes (one act per field); its revisions stay, unlinked, as history.
    old_seals = list(
        db_session.execute(
            sa.select(Act).where(Act.commitment_id == commitment.id, Act.kind == ActKind.SEAL)
        ).scalars()
    )
    if old_seals:
        db_session.execute(
            sa.update(Revision)
            .where(Revision.act_id.in_([a.id for a in old_seals]))
            .values(act_id=None)
        )
        for act in old_seals:
            db_session.delete(act)
        db_session.flush()
    db_session.expire(commitment, ["acts"])

    render_and_seal(
        db_session,
        commitment,
        actor,
        action="commitment.regenerate",
        details={"number": commitment.number},
        sha256_before=before,
    )
    return commitment


def event_regions(db_session: Session, event: Event) -> list[Region]:
    """Every Kabupaten/Kota of the event's province, by Kemendagri code."""
    return list(
        db_session.execute(
            sa.select(Region)
            .where(Region.province_code == event.province_code)
            .order_by(Region.kemendagri_code)
        ).scalars()
    )


def regions_for(
    db_session: Session, event: Event, regions: Sequence[Region | str] | None
) -> list[Region]:
    """``regions`` (Region objects or Kemendagri codes) as regions; None: all of the event's.

    :raises GenerationRefused: an unknown code.
    """
    if regions is None:
        return event_regions(db_session, event)
    out = []
    for item in regions:
        if isinstance(item, Region):
            out.append(item)
            continue
        region = db_session.execute(
            sa.select(Region).where(Region.kemendagri_code == item)
        ).scalar_one_or_none()
        if region is None:
            raise GenerationRefused(refusal="region_code_unknown", code=item)
        out.append(region)
    return out


def generate_event(
    db_session: Session,
    event: Event,
    *,
    actor: Any,
    regions: Sequence[Region | str] | None = None,
    progress: Progress | None = None,
) -> GenerationReport:
    """Generate the commitment of every region (or of ``regions``) that has no live one yet.

    One region failing (e.g. a missing holder) is reported with its message and does not stop
    the others: each region runs in its own savepoint, so a failure leaves nothing behind.
    ``progress(region, outcome)`` is called once per region.

    :raises CaMissing: no CA (checked once, before any region).
    """
    pki.get_ca()  # fail once, clearly, rather than once per region
    start_writing(db_session)
    report = GenerationReport()
    for region in regions_for(db_session, event, regions):
        if current_commitment(db_session, event, region) is not None:
            report.skipped.append(region)
            outcome = "skipped"
        else:
            try:
                with db_session.begin_nested():
                    commitment = generate_commitment(db_session, event, region, actor=actor)
                report.generated.append(commitment)
                outcome = "generated"
            except GenerationError as error:
                report.errors.append((region, str(error)))
                audit.record(
                    db_session,
                    "commitment.generate_failed",
                    actor=actor,
                    object_type="region",
                    object_id=region.kemendagri_code,
                    details={"event_id": event.id, "message": str(error)},
                )
                outcome = "error"
        if progress is not None:
            progress(region, outcome)
    audit.record_about(
        db_session,
        "event.generate",
        event,
        actor=actor,
        details={
            "generated": [c.region.kemendagri_code for c in report.generated],
            "skipped": [r.kemendagri_code for r in report.skipped],
            "errors": {r.kemendagri_code: message for r, message in report.errors},
        },
    )
    return report
