"""Migrations run up and down on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing.db import Base, make_engine
from signing.migrations import current_revisions, downgrade, head_revisions, upgrade

PG_URL = os.environ.get("SIGNING_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_available() -> bool:
    try:
        engine = make_engine(PG_URL)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def _roundtrip(engine: sa.Engine) -> None:
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    downgrade(engine, "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert current_revisions(engine) == head_revisions(engine)


def test_single_head() -> None:
    engine = make_engine("sqlite://")
    assert len(head_revisions(engine)) == 1


def test_migrations_up_and_down_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    _roundtrip(engine)
    engine.dispose()


@pytest.mark.skipif(not _postgres_available(), reason="PostgreSQL is not running")
def test_migrations_up_and_down_on_postgresql() -> None:
    schema = "mig_" + uuid.uuid4().hex[:8]
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        engine = make_engine(PG_URL).execution_options(schema_translate_map=None)
        engine = sa.create_engine(engine.url, connect_args={"options": f"-csearch_path={schema}"})
        _roundtrip(engine)
        engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    """An unmigrated model change (a column added without a migration) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(f"sqlite:///{tmp_path / 'diff.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
