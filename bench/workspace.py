"""Throwaway places for benchmarks and scale tests: a temp folder, a database, an app, a CA.

PostgreSQL (the multi-server deployment) is used when reachable: a database of its own is
created and dropped, so a benchmark never touches the test suite's ``test`` database. Without
PostgreSQL the in-process figures fall back to a SQLite file; the HTTP figure needs PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

#: Where CREATE DATABASE / DROP DATABASE are issued (trust auth on loopback).
ADMIN_URL = os.environ.get("SIGNING_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def postgres_reachable(admin_url: str = ADMIN_URL) -> bool:
    import psycopg

    try:
        with psycopg.connect(_psycopg_url(admin_url), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def database_url_for(name: str, admin_url: str = ADMIN_URL) -> str:
    base, _, _old = _psycopg_url(admin_url).rpartition("/")
    return f"{base}/{name}"


def _drop(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_psycopg_url(admin_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_database(name: str, admin_url: str = ADMIN_URL) -> Iterator[str]:
    """Create database ``name`` (dropping a leftover of an interrupted run), yield its URL,
    drop it afterwards."""
    import psycopg

    if not _NAME.match(name):
        raise ValueError(f"not a plain database name: {name!r}")
    _drop(admin_url, name)
    with psycopg.connect(_psycopg_url(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url_for(name, admin_url)
    finally:
        _drop(admin_url, name)


@contextlib.contextmanager
def database(kind: str, name: str, folder: Path) -> Iterator[str]:
    """``kind`` "postgresql" (own database ``name``) or "sqlite" (a file in ``folder``)."""
    if kind == "postgresql":
        with postgres_database(name) as url:
            yield url
    else:
        yield f"sqlite:///{folder / (name + '.db')}"


def app_config(folder: Path, database_url: str, **overrides: Any) -> dict[str, Any]:
    """Configuration of a benchmark app: its own instance folder, CA folder and secret."""
    config: dict[str, Any] = {
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + secrets.token_hex(8),
        "CERTS_DIR": str(folder / "certs"),
        "BASE_URL": "http://127.0.0.1:8000",
        # The benchmark's test client posts forms without rendering them first.
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    return config


def make_app(folder: Path, database_url: str, **overrides: Any) -> Flask:
    """An app on ``database_url``, migrated, with a CA of its own."""
    from signing import create_app
    from signing.migrations import upgrade
    from signing.pki import service

    app = create_app(app_config(folder, database_url, **overrides))
    upgrade(app.extensions["signing.engine"])
    service.ensure_ca(app)
    return app


def dispose(app: Flask) -> None:
    app.extensions["signing.engine"].dispose()


@contextlib.contextmanager
def temp_folder(prefix: str = "signing-bench-") -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


class QueryCounter:
    """Counts the SQL statements an engine executes inside a ``with`` block."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, _conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)
