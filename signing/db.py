"""Database engine, per-app-context sessions and the declarative base.

One engine per application; one session per application context (request, CLI command or
worker thread), closed and rolled back at teardown if nobody committed. Operations never
commit: the view or command that called them does, once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from werkzeug.local import LocalProxy

from signing.files import private_file, tighten_if_present

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Execution option that makes the next SQLite transaction start with BEGIN IMMEDIATE.
IMMEDIATE = "signing_begin_immediate"


class UTCDateTime(sa.TypeDecorator):
    """Timestamps are stored as UTC and always come back timezone-aware.

    SQLite keeps no zone, PostgreSQL does; this makes both behave the same.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: sa.JSON, list: sa.JSON}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and explicit transaction control."""
    if url.startswith("sqlite"):
        _private_sqlite_files(url)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _private_sqlite_files(url: str) -> None:
    """The database file 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
    mode of the database file, so they are private too."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite reports the missing directory itself
    private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        tighten_if_present(path.with_name(path.name + suffix))


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling would hide BEGIN from us; we need to choose between
    # BEGIN and BEGIN IMMEDIATE, because with_for_update() compiles to nothing on SQLite and a
    # deferred transaction cannot be upgraded to a writer safely under concurrency.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["signing.engine"] = engine
    app.extensions["signing.sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["signing.engine"]


def _get_session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["signing.sessionmaker"]()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    discard_session()


def discard_session() -> None:
    """Close this context's session; the next use opens a new one.

    Closing rolls back, which needs the connection: when the database went away (a terminated
    backend, a restart), that fails too. The answer has been chosen by then, so the failure is
    logged and the connection dropped from the pool, never raised: raised here (at teardown) it
    would become the server's bare 500 in place of the page already made.
    """
    db_session = g.pop("db_session", None)
    if db_session is None:
        return
    try:
        db_session.close()
    except sa.exc.SQLAlchemyError as error:
        log.warning("database session not closed cleanly: %s", error)
        try:
            db_session.invalidate()
        except sa.exc.SQLAlchemyError:  # pragma: no cover - nothing more to release
            pass


#: The session of the current application context.
session: Session = LocalProxy(_get_session)  # type: ignore[assignment]


def is_sqlite(db_session: Session) -> bool:
    return db_session.get_bind().dialect.name == "sqlite"


def begin_write(db_session: Session) -> None:
    """Start a transaction that will write under contention.

    On SQLite that is ``BEGIN IMMEDIATE``: the write lock is taken up front, so concurrent writers
    queue on the busy timeout instead of failing on a lock upgrade. A read-only transaction
    already open is ended first (it holds nothing we need). On PostgreSQL row locks
    (``SELECT ... FOR UPDATE``) do the serialising, so nothing happens here.
    """
    if not is_sqlite(db_session):
        return
    if db_session.in_transaction():
        if db_session.new or db_session.dirty or db_session.deleted:
            raise RuntimeError("begin_write() called with unflushed changes")
        db_session.commit()
    db_session.connection(execution_options={IMMEDIATE: True})


# --------------------------------------------------------------- the unit of work's edges
# (signing/web/unit.py builds the pages' UnitOfWork on these; the API uses them directly)


@contextmanager
def committed() -> Iterator[None]:
    """Commit what the block wrote, once; any error rolls back and propagates."""
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    session.commit()


@contextmanager
def read_only() -> Iterator[None]:
    """A block whose writes are never kept (a check that only reads, or stages what it does not
    keep): the session is rolled back when it ends, whether it succeeded or not."""
    try:
        yield
    finally:
        session.rollback()
