"""A national-size event: all 514 Kabupaten/Kota with placeholder holders and one commitment
each (rows only, no PDFs), for the query-count test and the dashboard benchmark."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from sqlalchemy.orm import Session

from signing.models import ActKind, Capacity, Event, Region, SlotRole
from tests.secretariat.builders import MEETING, act, make_commitments, sign_all


def import_national_registry(db_session: Session) -> None:
    from signing.demo import fill_placeholder_holders
    from signing.regions.importer import import_registry, parse

    raw = files("signing").joinpath("data/wilayah-indonesia.csv").read_bytes()
    region_rows, holder_rows = parse(raw, ".csv")
    import_registry(db_session, region_rows, holder_rows, actor="test", source="csv")
    fill_placeholder_holders(db_session)


def national_event(db_session: Session, regions: list[Region]) -> Event:
    """One event with every given region's commitment, and a realistic mix of acts:
    two thirds complete, every seventh only initialled by a stand-in, the rest untouched."""
    event = Event(
        name="Rapat Koordinasi Nasional PTSP Prima (uji)",
        date=dt.date(2019, 10, 24),
        place="Jakarta",
        province_code=regions[0].province_code,
        legal_bases=["UU 23/2014"],
        considerations=[],
        points=["butir"],
    )
    db_session.add(event)
    db_session.flush()
    commitments = make_commitments(db_session, event, regions)
    for index, commitment in enumerate(commitments):
        if index % 7 == 0:
            paraf = act(
                db_session,
                commitment,
                SlotRole.KEPALA_DAERAH,
                ActKind.PARAF,
                name="Wakil Contoh (DEMO)",
                office_title="Wakil " + commitment.slot(SlotRole.KEPALA_DAERAH).office.title,
                capacity=Capacity.STAND_IN,
            )
            act(
                db_session,
                commitment,
                SlotRole.SAKSI_WAKIL_GUBERNUR,
                ActKind.WITNESS,
                attests=paraf,
                at=MEETING + dt.timedelta(minutes=1),
            )
        elif index % 3 != 2:
            sign_all(db_session, commitment)
    db_session.flush()
    return event
