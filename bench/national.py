"""The national-size data set: 38 provinces, 514 Kabupaten/Kota, one commitment each.

Our model gives every event one province (``Event.province_code``: the Gubernur who signs and
the two provincial witnesses belong to it, and generation refuses a region of another
province). The national programme is therefore **38 provincial events**, one per province,
each generating the commitments of its own Kabupaten/Kota: 514 real documents (rendered,
fielded, sealed with a time stamp and CRLs, stored as revisions), which is what the
generation figure measures.

A dashboard page shows one event. To measure it at national size there is also
:func:`dashboard_event`: one event holding a commitment row for each of the 514 regions (slots
and a realistic mix of acts, no PDFs: the page reads rows, never PDFs), as the secretariat's
national dashboard test does.

    from bench.national import build_national
    generation = build_national(app)          # registry + 38 events + 514 commitments
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
NATIONAL_FILE = ROOT / "signing" / "data" / "wilayah-indonesia.csv"
NUMBER_PREFIX = "NAS/PTSP-PRIMA"
EVENT_DATE = dt.date(2019, 10, 24)
ACTOR = "bench"


def import_national(db_session: Session):  # type: ignore[no-untyped-def]
    """``signing regions import signing/data/wilayah-indonesia.csv --placeholder-holders``,
    as a function: the registry of all 38 provinces and 514 Kabupaten/Kota with an obviously
    fictitious holder in every office. Returns the importer's result (counts)."""
    from signing.demo import fill_placeholder_holders
    from signing.regions.importer import import_registry, read_file

    region_rows, holder_rows = read_file(NATIONAL_FILE)
    result = import_registry(db_session, region_rows, holder_rows, actor=ACTOR, source="csv")
    result.holders += fill_placeholder_holders(db_session)
    return result


def national_regions(db_session: Session, limit: int | None = None) -> list:  # type: ignore[type-arg]
    """Every Kabupaten/Kota by Kemendagri code, or the first ``limit`` of them."""
    from signing.models import Region

    query = sa.select(Region).order_by(Region.kemendagri_code)
    if limit is not None:
        query = query.limit(limit)
    return list(db_session.execute(query).scalars())


def provincial_events(db_session: Session, province_codes: list[str]) -> dict[str, object]:
    """One event per province (created once; found again by name on a second call)."""
    from signing.documents.content import (
        DEFAULT_CONSIDERATIONS,
        DEFAULT_LEGAL_BASES,
        DEFAULT_POINTS,
    )
    from signing.models import Event, Province

    events: dict[str, object] = {}
    for code in province_codes:
        province = db_session.get(Province, code)
        name = f"Rapat Koordinasi PTSP Prima Provinsi {province.name} (uji skala nasional)"
        event = db_session.execute(
            sa.select(Event).where(Event.province_code == code, Event.name == name)
        ).scalar_one_or_none()
        if event is None:
            event = Event(
                name=name,
                date=EVENT_DATE,
                place=f"Ibu kota Provinsi {province.name}",
                province_code=code,
                legal_bases=list(DEFAULT_LEGAL_BASES),
                considerations=list(DEFAULT_CONSIDERATIONS),
                points=list(DEFAULT_POINTS),
                number_prefix=NUMBER_PREFIX,
                is_demo=True,
            )
            db_session.add(event)
            db_session.flush()
        events[code] = event
    return events


@dataclass
class NationalGeneration:
    """What generating the national set took."""

    provinces: int = 0
    commitments: int = 0
    errors: list[str] = field(default_factory=list)
    #: Wall time of every ``generate_event`` call plus its commit.
    seconds: float = 0.0
    #: Time of each commitment (between two progress calls of ``generate_event``).
    per_commitment: list[float] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    commitment_ids: list[int] = field(default_factory=list)

    @property
    def ms_per_commitment(self) -> float:
        return 1000 * self.seconds / self.commitments if self.commitments else float("nan")

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.per_commitment) if self.per_commitment else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "provinces": self.provinces,
            "commitments": self.commitments,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "ms_per_commitment": round(self.ms_per_commitment, 2),
            "median_ms": round(self.median_ms, 2),
        }


def build_national(
    app: Flask,
    *,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> NationalGeneration:
    """Import the national registry, create the provincial events and generate every
    commitment (or the first ``limit`` regions'), committing once per province.

    ``progress(done, total)`` is called after each commitment.
    """
    from signing import db
    from signing.commitments.generation import generate_event

    result = NationalGeneration()
    with app.app_context():
        session = db.session
        import_national(session)
        session.commit()
        regions = national_regions(session, limit)
        by_province: dict[str, list] = {}  # type: ignore[type-arg]
        for region in regions:
            by_province.setdefault(region.province_code, []).append(region)
        events = provincial_events(session, sorted(by_province))
        session.commit()
        result.provinces = len(by_province)
        total = len(regions)
        for code, members in sorted(by_province.items()):
            event = events[code]
            last = time.perf_counter()

            def tick(_region, outcome: str) -> None:  # type: ignore[no-untyped-def]
                nonlocal last
                now = time.perf_counter()
                if outcome == "generated":
                    result.per_commitment.append(now - last)
                last = now
                if progress is not None:
                    progress(len(result.per_commitment), total)

            started = time.perf_counter()
            report = generate_event(session, event, actor=ACTOR, regions=members, progress=tick)
            session.commit()
            result.seconds += time.perf_counter() - started
            result.commitments += len(report.generated)
            result.errors += [f"{region.name}: {message}" for region, message in report.errors]
            result.event_ids.append(event.id)  # type: ignore[attr-defined]
            result.commitment_ids += [c.id for c in report.generated]
    return result


# ----------------------------------------------------------------- one event of 514 rows


def dashboard_event(
    db_session: Session, regions: list, *, name: str | None = None, prefix: str = "DASH/PTSP"
):  # type: ignore[no-untyped-def, type-arg]
    """One event with a commitment row for every region in ``regions`` (no PDFs) and a mix of
    acts: every seventh only initialled by a stand-in and witnessed, two thirds of the rest
    complete, the others untouched. For measuring the dashboard at national size."""
    from signing.commitments.content import resolve_offices
    from signing.commitments.generation import commitment_number
    from signing.db import utcnow
    from signing.documents.content import PARTY_SLOTS, paraf_field_name, signature_field_name
    from signing.models import Act, ActKind, Capacity, Commitment, Event, Slot, SlotRole

    event = Event(
        name=name or f"Pemantauan nasional PTSP Prima ({len(regions)} komitmen, uji)",
        date=EVENT_DATE,
        place="Jakarta",
        province_code=regions[0].province_code,
        legal_bases=["UU 23/2014"],
        considerations=[],
        points=["butir komitmen"],
        number_prefix=prefix,
        is_demo=True,
    )
    db_session.add(event)
    db_session.flush()
    now = utcnow()
    for index, region in enumerate(regions):
        offices = resolve_offices(db_session, region)
        commitment = Commitment(
            event=event,
            region=region,
            version=1,
            number=commitment_number(event, region, 1),
            code=f"D{event.id}-{region.kemendagri_code.replace('.', '')}",
            current_sha256=f"{index:064x}",
            generated_at=now,
            created_at=now,
        )
        db_session.add(commitment)
        db_session.flush()
        slots = {}
        for position, role in enumerate(SlotRole):
            party = role.value in PARTY_SLOTS
            slot = Slot(
                commitment_id=commitment.id,
                role=role,
                office_id=offices[role].id,
                position=position,
                field_name=signature_field_name(role.value),
                paraf_field_name=paraf_field_name(role.value) if party else None,
            )
            db_session.add(slot)
            slots[role] = slot
        db_session.flush()

        def act(role: SlotRole, kind: ActKind, capacity: Capacity = Capacity.HOLDER, **extra):  # type: ignore[no-untyped-def]
            slot = slots[role]  # noqa: B023 - used at once, inside this iteration
            office = offices[role]  # noqa: B023
            field_name = slot.paraf_field_name if kind is ActKind.PARAF else slot.field_name
            row = Act(
                commitment_id=commitment.id,  # noqa: B023
                slot_id=slot.id,
                kind=kind,
                capacity=capacity,
                actor_name=extra.pop("name", f"Pejabat Contoh {office.title} (DEMO)"),
                actor_office_id=office.id,
                actor_office_title=extra.pop("office_title", office.title),
                field_name=field_name,
                created_at=now,
                **extra,
            )
            db_session.add(row)
            db_session.flush()
            return row

        if index % 7 == 0:
            paraf = act(
                SlotRole.KEPALA_DAERAH,
                ActKind.PARAF,
                Capacity.STAND_IN,
                name="Wakil Contoh (DEMO)",
                office_title="Wakil " + offices[SlotRole.KEPALA_DAERAH].title,
            )
            act(SlotRole.SAKSI_WAKIL_GUBERNUR, ActKind.WITNESS, attests_act_id=paraf.id)
        elif index % 3 != 2:
            for role in (SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR):
                act(role, ActKind.SIGN)
            for role in (SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI):
                act(role, ActKind.WITNESS)
            commitment.completed_at = now
    db_session.flush()
    return event
