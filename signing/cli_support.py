"""What the feature CLIs share: failing with exit code 1, the migration check, the ``users``
group that features hang their account commands on, and finding an account by name.

Below every CLI module: it imports none of them, so a feature CLI never imports the root CLI
(:mod:`signing.cli`), which imports the features.
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
from signing.db import begin_write
from signing.migrations import is_up_to_date
from signing.models import User

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print ``message`` in red on stderr and exit 1 (the command ran and found a problem)."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)


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
    """Exit 1 unless the database is reachable and at the newest revision."""
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
    pass


def account_to_change(username: str) -> User:
    """The account named ``username`` (case and spaces ignored), for a command that changes it
    next: SQLite's write lock is taken before the first read. Exit 1 when there is none."""
    begin_write(db.session)
    user = db.session.execute(
        sa.select(User).where(User.username == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        fail(f"Akun '{username}' tidak ditemukan.")
    return user


def get_or_fail(model: type[T], object_id: Any, message: str) -> T:
    """The ``model`` row with this primary key; exit 1 with ``message`` when there is none."""
    found = db.session.get(model, object_id)
    if found is None:
        fail(message)
    return found


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
