"""What every command line module shares: failing with a message, the migration check, an
all-or-nothing import's refusal, the ``users`` group features add to, and optional features.

Below the root CLI (:mod:`signing.cli`) and the feature CLIs (``signing.<feature>.cli``): they
import from here, never from each other.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import Any, NoReturn, TypeVar

import click
import sqlalchemy as sa

from signing import db

__all__ = [
    "fail",
    "get_or_fail",
    "optional_modules",
    "refuse_import",
    "require_migrated",
    "users_group",
]

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print ``message`` in red on stderr and exit 1 (the command ran and found a problem)."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def get_or_fail(model: type[T], object_id: Any, message: str) -> T:
    """The ``model`` row with this primary key, or :func:`fail` with ``message``."""
    found = db.session.get(model, object_id)
    if found is None:
        fail(message)
    return found


def refuse_import(errors: list[str]) -> NoReturn:
    """Report an all-or-nothing import that was refused: roll back, list the errors, exit 1."""
    db.session.rollback()
    click.secho(
        f"Impor dibatalkan, tidak ada data yang diubah ({len(errors)} kesalahan):",
        fg="red",
        err=True,
    )
    for message in errors[:200]:
        click.echo(f"  {message}", err=True)
    sys.exit(1)


def require_migrated() -> None:
    """:func:`fail` unless the database is reachable and at the newest migration."""
    from signing.migrations import is_up_to_date  # Alembic: loaded only by commands that need it

    try:
        ok = is_up_to_date(db.engine())
    except sa.exc.OperationalError as error:
        # Not reachable is not "not migrated" (a database without the version table reads as
        # no revision, without an error).
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        fail(f"Database tidak tersedia: {reason}")
    if not ok:
        fail("Basis data belum dimigrasikan ke versi terbaru. Jalankan: signing db upgrade")


@click.group("users", help="Akun pengguna.")
def users_group() -> None:
    """Accounts: the root CLI adds create/list/set-password, features add their own."""


def optional_modules(names: Sequence[str]) -> Iterator[ModuleType]:
    """Each of the modules ``names`` that is installed (a feature left out is skipped).

    A module that exists but fails to import for another missing module still raises.
    """
    for name in names:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if not name.startswith(str(error.name)):
                raise
