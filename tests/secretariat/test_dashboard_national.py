"""The dashboard of a national-size event (514 commitments) needs a bounded number of queries.

The national registry and event are made once for the module (the slow part) and each test
gets its own copy of that database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from signing.db import make_engine
from signing.models import Event, Region, Role
from tests.conftest import POSTGRES_URL, _truncate_all, restore_tables, snapshot_tables
from tests.secretariat.national import import_national_registry, national_event

QUERY_LIMIT = 10


@pytest.fixture(scope="module")
def national(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """(SQLite file, event id) of the national registry and event: on PostgreSQL the rows are
    kept in a snapshot schema instead and the file is unused."""
    path = tmp_path_factory.mktemp("national") / "national.db"
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    engine = make_engine(url)
    with Session(engine) as session:
        import_national_registry(session)
        regions = list(
            session.execute(sa.select(Region).order_by(Region.kemendagri_code)).scalars()
        )
        event_id = national_event(session, regions).id
        session.commit()
    engine.dispose()
    if POSTGRES_URL:
        snapshot_tables(POSTGRES_URL, "national")
        _truncate_all(POSTGRES_URL)
    return path, event_id


@pytest.fixture()
def database_url(national: tuple[Path, int], tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        restore_tables(POSTGRES_URL, "national")
        yield POSTGRES_URL
        _truncate_all(POSTGRES_URL)
        return
    shutil.copyfile(national[0], tmp_path / "signing.db")
    yield f"sqlite:///{tmp_path / 'signing.db'}"


class QueryCounter:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        sa_event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        sa_event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def selects(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


def test_dashboard_of_514_commitments_renders_in_a_bounded_number_of_queries(
    app, client, auth, db_session, make_user, national
) -> None:
    regions = list(db_session.execute(sa.select(Region).order_by(Region.kemendagri_code)).scalars())
    assert len(regions) == 514
    event = db_session.get(Event, national[1])
    make_user("sekretariat", role=Role.SECRETARIAT)
    assert auth.login("sekretariat").status_code == 302

    engine = app.extensions["signing.engine"]
    with QueryCounter(engine) as counter:
        response = client.get(f"/sekretariat/acara/{event.id}")
    assert response.status_code == 200
    page = response.text
    assert page.count('<tr data-region="') == 514
    # Every seventh commitment has the stand-in's paraf, shown with who made it.
    stand_ins = page.count("paraf oleh Wakil Bupati Wakil Contoh (DEMO)") + page.count(
        "paraf oleh Wakil Wali Kota Wakil Contoh (DEMO)"
    )
    assert stand_ins == len(range(0, 514, 7))
    print(f"\n{len(counter.statements)} statements for 514 commitments:")
    for statement in counter.statements:
        print("  ", " ".join(statement.split())[:140])
    assert len(counter.statements) < QUERY_LIMIT

    # The refresh fragment is the same page part: bounded too.
    url = f"/sekretariat/acara/{event.id}/matriks"
    with QueryCounter(engine) as counter:
        fragment = client.get(url)
    assert fragment.status_code == 200
    assert len(counter.statements) < QUERY_LIMIT
    # Asked again with its ETag while nothing changed: no body and one aggregate query instead
    # of the dashboard's loading.
    with QueryCounter(engine) as cheap:
        unchanged = client.get(url, headers={"If-None-Match": fragment.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    print(
        f"refresh: 200 = {len(fragment.data)} bytes, {len(counter.statements)} statements; "
        f"304 = {len(unchanged.data)} bytes, {len(cheap.statements)} statements"
    )
    assert len(cheap.statements) < len(counter.statements)


def test_event_overview_of_514_commitments_needs_a_bounded_number_of_queries(
    app, db_session, national
) -> None:
    """The workflow's own overview (CLI status, printing, API) stays bounded at national size."""
    from signing.workflow.status import event_overview

    with QueryCounter(app.extensions["signing.engine"]) as counter:
        overview = event_overview(db_session, national[1])
    assert len(overview) == 514
    assert len(counter.selects) < QUERY_LIMIT, counter.selects
