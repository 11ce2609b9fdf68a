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
from flask import current_app
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.content import content_for, resolve_offices
from signing.commitments.errors import EventTextLocked, GenerationError, GenerationRefused
from signing.commitments.storage import GENERATED, SEALED, TIMESTAMPED, store_revision
from signing.db import begin_write, utcnow
from signing.documents.content import PARTY_SLOTS, paraf_field_name, signature_field_name
from signing.documents.render import DocumentLayoutError, render_commitment
from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Office,
    Region,
    Revision,
    Slot,
    SlotRole,
)
from signing.pades.errors import PadesError
from signing.pades.fields import add_signature_fields
from signing.pades.sign import seal_document
from signing.pki import service as pki
from signing.pki.errors import PkiError

__all__ = [
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

#: Name of the invisible field pyHanko creates for the office seal.
SEAL_FIELD = "Segel"

#: Each party's signature locks that party's paraf field (FieldMDP, made with the fields,
#: before the seal). A paraf after the party's own signature is refused by the rules anyway;
#: the lock makes it visible in the document too, so that a complete commitment, where every
#: signature and witness field is filled, has no field left that can be signed unseen
#: (docs/record-integrity.md).
FIELD_LOCKS: dict[str, tuple[str, ...]] = {
    signature_field_name(slot): (paraf_field_name(slot),) for slot in PARTY_SLOTS
}
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


def render_fielded(db_session: Session, commitment: Commitment) -> bytes:
    """The generated revision's bytes: rendered content plus every empty signature field.

    Deterministic: the same registry data and event text give the same bytes.
    """
    from signing.commitments.content import build_content

    content = build_content(db_session, commitment)
    try:
        rendered = render_commitment(content)
        return add_signature_fields(rendered.pdf, rendered.fields, locks=FIELD_LOCKS)
    except (DocumentLayoutError, ValueError) as error:
        raise GenerationError(
            f"{commitment.region.name}: dokumen tidak dapat dibuat: {error}"
        ) from error


def _seal(
    db_session: Session,
    commitment: Commitment,
    pdf: bytes,
    actor: Any,
    on_generated: Callable[[str], None],
) -> bytes:
    """Certify ``pdf`` with the office seal and record the SEAL act and both revisions.

    ``on_generated(sha256)`` records the generation itself once its revision is stored, so the
    audit log (and the timeline read from it) says "generated" before "sealed", as it happened.
    """
    generated = store_revision(db_session, commitment, pdf, GENERATED)
    on_generated(generated.sha256)
    with pki.seal_signer() as signer:
        sealed = seal_document(
            pdf,
            signer,
            pki.timestamper(),
            validation_context=pki.validation_context(db_session),
            location=commitment.event.place,
        )
    act = Act(
        commitment_id=commitment.id,
        slot_id=None,
        kind=ActKind.SEAL,
        capacity=Capacity.HOLDER,
        actor_user_id=actor.id if _is_user(actor) else None,
        actor_name=current_app.config["INSTITUTION"],
        field_name=SEAL_FIELD,
        sha256_before=generated.sha256,
        created_at=utcnow(),
    )
    db_session.add(act)
    db_session.flush()
    revision = store_revision(db_session, commitment, sealed, SEALED, act=act)
    act.sha256_after = revision.sha256
    # The copy handed out from now on is B-LTA: a document time stamp over the seal with the
    # seal's revocation data (see docs/long-term-validation.md).
    stamped = pki.document_timestamp(db_session, sealed, [pki.get_ca().seal_cert])
    store_revision(db_session, commitment, stamped, TIMESTAMPED)
    db_session.flush()
    audit.record(
        db_session,
        "commitment.seal",
        actor=actor,
        object_type="commitment",
        object_id=commitment.id,
        commitment_id=commitment.id,
        sha256_before=generated.sha256,
        sha256_after=revision.sha256,
        details={"act_id": act.id, "number": commitment.number},
    )
    return sealed


def _start_writing(db_session: Session) -> None:
    """Take SQLite's write lock up front when no transaction is open yet.

    A deferred SQLite transaction that reads and then writes fails at once if another process
    committed in between; callers already inside a transaction (the workflow locks the
    commitment first) keep theirs, since :func:`begin_write` would commit it.
    """
    if not db_session.in_transaction():
        begin_write(db_session)


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and hasattr(actor, "id")


def _render_and_seal(
    db_session: Session, commitment: Commitment, actor: Any, on_generated: Callable[[str], None]
) -> None:
    pdf = render_fielded(db_session, commitment)
    try:
        _seal(db_session, commitment, pdf, actor, on_generated)
    except (PkiError, PadesError) as error:
        raise GenerationError(f"{commitment.region.name}: segel dokumen gagal: {error}") from error


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
        raise GenerationRefused(
            f"{region.name}: nomor dokumen {number} sudah dipakai dokumen lain; ubah awalan "
            "nomor acara."
        )
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

    def record_generation(sha256: str) -> None:
        audit.record(
            db_session,
            "commitment.generate",
            actor=actor,
            object_type="commitment",
            object_id=commitment.id,
            commitment_id=commitment.id,
            sha256_after=sha256,
            details={
                "event_id": event.id,
                "region": region.kemendagri_code,
                "number": number,
                "code": code,
                "version": version,
                "replaces_id": commitment.replaces_id,
            },
        )

    _render_and_seal(db_session, commitment, actor, record_generation)
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
    _start_writing(db_session)
    if event.province_code != region.province_code:
        raise GenerationRefused(f"{region.name} bukan wilayah provinsi acara ini.")
    versions = _versions(db_session, event, region)
    live = [c for c in versions if not c.is_void]
    if live:
        raise GenerationRefused(
            f"{region.name}: dokumen {live[-1].number} sudah ada. Buat ulang (regenerate) bila "
            "belum ada tindakan, atau batalkan (void) lalu terbitkan versi baru."
        )
    replaces = versions[-1] if versions else None
    version = replaces.version + 1 if replaces is not None else 1
    return _create(db_session, event, region, version=version, replaces=replaces, actor=actor)


def new_version_after_void(db_session: Session, voided: Commitment, *, actor: Any) -> Commitment:
    """Issue version n+1 of a voided commitment (new number, ``replaces_id`` set; old kept).

    :raises GenerationRefused: not voided, or a newer version exists already.
    """
    _start_writing(db_session)
    if not voided.is_void:
        raise GenerationRefused(
            f"Dokumen {voided.number} belum dibatalkan; versi baru hanya setelah void."
        )
    newer = db_session.execute(
        sa.select(Commitment.number).where(
            Commitment.event_id == voided.event_id,
            Commitment.region_id == voided.region_id,
            Commitment.version > voided.version,
        )
    ).scalar()
    if newer is not None:
        raise GenerationRefused(f"Dokumen {voided.number} sudah diganti oleh {newer}.")
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
    _start_writing(db_session)
    # Lock the row (PostgreSQL; SQLite is serialised by BEGIN IMMEDIATE) so that no act can
    # land on the old document between the check below and the new revisions.
    db_session.execute(
        sa.select(Commitment.id).where(Commitment.id == commitment.id).with_for_update()
    )
    if commitment.is_void:
        raise GenerationRefused(f"Dokumen {commitment.number} sudah dibatalkan (void).")
    if _party_acts(db_session, [commitment.id]):
        raise GenerationRefused(
            f"Dokumen {commitment.number} tidak dapat dibuat ulang: sudah ada tindakan; "
            "batalkan (void) dan terbitkan versi baru."
        )
    before = commitment.current_sha256
    offices = resolve_offices(db_session, commitment.region)
    content_for(
        db_session,
        commitment.event,
        commitment.region,
        offices,
        number=commitment.number,
        code=commitment.code,
    )
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

    def record_regeneration(sha256: str) -> None:
        audit.record(
            db_session,
            "commitment.regenerate",
            actor=actor,
            object_type="commitment",
            object_id=commitment.id,
            commitment_id=commitment.id,
            sha256_before=before,
            sha256_after=sha256,
            details={"number": commitment.number},
        )

    _render_and_seal(db_session, commitment, actor, record_regeneration)
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
            raise GenerationRefused(f"Wilayah dengan kode {item} tidak ditemukan.")
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
    _start_writing(db_session)
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
    audit.record(
        db_session,
        "event.generate",
        actor=actor,
        object_type="event",
        object_id=event.id,
        details={
            "generated": [c.region.kemendagri_code for c in report.generated],
            "skipped": [r.kemendagri_code for r in report.skipped],
            "errors": {r.kemendagri_code: message for r, message in report.errors},
        },
    )
    return report


def _clean_list(name: str, items: Iterable[str], *, required: bool) -> list[str]:
    cleaned = []
    for item in items:
        if not isinstance(item, str):
            raise GenerationRefused(f"{name}: setiap butir harus berupa teks.")
        text = " ".join(item.split())
        if text:
            cleaned.append(text)
    if required and not cleaned:
        raise GenerationRefused(f"{name} tidak boleh kosong.")
    return cleaned


def update_event_text(
    db_session: Session,
    event: Event,
    legal_bases: Iterable[str],
    considerations: Iterable[str],
    points: Iterable[str],
    *,
    actor: Any,
) -> list[Commitment]:
    """Replace the event's legal bases, considerations and commitment points.

    Refused once anyone has acted on a live document of the event (their text would no longer
    be what they signed). Returns the live, already generated commitments that still carry the
    old text: regenerate them (:func:`regenerate`) to apply it.

    :raises EventTextLocked: a party or witness has acted on one of the event's documents.
    :raises GenerationRefused: a list is empty (legal bases and points are required).
    """
    _start_writing(db_session)
    legal = _clean_list("Dasar hukum", legal_bases, required=True)
    whereas = _clean_list("Pertimbangan", considerations, required=False)
    items = _clean_list("Butir komitmen", points, required=True)
    live = [
        c
        for c in db_session.execute(
            sa.select(Commitment).where(
                Commitment.event_id == event.id, Commitment.voided_at.is_(None)
            )
        ).scalars()
    ]
    acted = (
        db_session.execute(
            sa.select(Commitment.number)
            .join(Act, Act.commitment_id == Commitment.id)
            .where(Commitment.id.in_([c.id for c in live]), Act.kind != ActKind.SEAL)
            .distinct()
            .order_by(Commitment.number)
        )
        .scalars()
        .all()
        if live
        else []
    )
    if acted:
        shown = ", ".join(acted[:5]) + (f" dan {len(acted) - 5} lainnya" if len(acted) > 5 else "")
        raise EventTextLocked(
            f"Teks acara tidak dapat diubah: sudah ada tindakan pada dokumen {shown}. "
            "Batalkan (void) dokumen tersebut dan terbitkan versi baru bila teksnya harus berubah."
        )
    before = {
        "legal_bases": len(event.legal_bases or ()),
        "considerations": len(event.considerations or ()),
        "points": len(event.points or ()),
    }
    event.legal_bases = legal
    event.considerations = whereas
    event.points = items
    db_session.flush()
    stale = [c for c in live if c.current_sha256 is not None]
    audit.record(
        db_session,
        "event.text_update",
        actor=actor,
        object_type="event",
        object_id=event.id,
        details={
            "before": before,
            "after": {
                "legal_bases": len(legal),
                "considerations": len(whereas),
                "points": len(items),
            },
            "stale_commitments": [c.id for c in stale],
        },
    )
    return stale
