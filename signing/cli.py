"""The ``signing`` command line: a Flask CLI group (``flask --app signing`` works the same).

Exit codes: 0 success, 1 the command ran and found a problem (e.g. an invalid import file,
a broken audit chain), 2 usage error (click's own).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from signing import db
from signing.cli_support import (
    account_to_change,
    fail,
    optional_modules,
    refuse_import,
    require_migrated,
    users_group,
)

# The commands import what they run in their bodies: `import signing.cli`, the console script's
# first step, stays light (tests/test_boundaries.py) and so does `signing --help`.

#: Re-exported for the feature CLIs that still import them from here.
__all__ = ["fail", "main", "refuse_import", "register_commands", "require_migrated", "users_group"]


def main() -> None:
    from signing import create_app

    cli = FlaskGroup(
        create_app=create_app,
        add_default_commands=True,
        add_version_option=False,
        help="Penandatanganan Komitmen PTSP Prima.",
    )
    cli.main(prog_name="signing")


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(regions_group)
    app.cli.add_command(users_group)
    app.cli.add_command(audit_group)
    from signing.demo import demo_command

    app.cli.add_command(demo_command)
    for extra in _feature_commands():
        app.cli.add_command(extra)


def _feature_commands() -> list[click.Command]:
    """Commands that features add (CA, generate, verify, audit, bench, ...)."""
    modules = optional_modules(
        (
            "signing.pki.cli",
            "signing.specimens.cli",
            "signing.documents.cli",
            "signing.workflow.cli",
            "signing.notifications.cli",
            "signing.printing.cli",
            "signing.verification.cli",
            "signing.api.cli",
            "signing.secretariat.cli",
            "signing.bench",
        )
    )
    return [command for module in modules for command in getattr(module, "COMMANDS", [])]


# --- db -------------------------------------------------------------------------------------


@click.group("db", help="Migrasi basis data.")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    _migrate("upgrade", revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@with_appcontext
def db_downgrade(revision: str) -> None:
    _migrate("downgrade", revision)


def _migrate(direction: str, revision: str) -> None:
    from signing import migrations  # Alembic: loaded only by the commands that migrate

    getattr(migrations, direction)(db.engine(), revision)
    done = "pada revisi" if direction == "upgrade" else "diturunkan ke"
    click.echo(f"Basis data {done} {revision}.")


@db_group.command("current")
@with_appcontext
def db_current() -> None:
    from signing.migrations import current_revisions, head_revisions

    current, heads = current_revisions(db.engine()), head_revisions(db.engine())
    click.echo(
        f"sekarang: {', '.join(sorted(current)) or '(kosong)'}; terbaru: {', '.join(sorted(heads))}"
    )


# --- regions ----------------------------------------------------------------------------------


@click.group("regions", help="Daftar wilayah, jabatan dan pejabat.")
def regions_group() -> None:
    pass


@regions_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--placeholder-holders",
    is_flag=True,
    help="Isi jabatan yang kosong dengan nama pejabat contoh (fiktif).",
)
@with_appcontext
def regions_import(path: Path, placeholder_holders: bool) -> None:
    """Impor wilayah (CSV/JSON) atau pejabat; semua atau tidak sama sekali."""
    from signing.regions.importer import ImportFailed, import_registry, read_file

    require_migrated()
    try:
        region_rows, holder_rows = read_file(path)
        result = import_registry(
            db.session,
            region_rows,
            holder_rows,
            actor="cli",
            source="json" if path.suffix.lower() == ".json" else "csv",
        )
        if placeholder_holders:
            from signing.demo import fill_placeholder_holders

            result.holders += fill_placeholder_holders(db.session)
    except ImportFailed as error:
        refuse_import(error.errors)
    db.session.commit()
    click.echo(
        f"Selesai: {result.provinces} provinsi, {result.regions} kabupaten/kota, "
        f"{result.offices} jabatan, {result.holders} pejabat baru."
    )


@regions_group.command("list")
@click.option("--province", default=None)
@with_appcontext
def regions_list(province: str | None) -> None:
    from signing.models import Region

    require_migrated()
    query = sa.select(Region).order_by(Region.kemendagri_code)
    if province:
        query = query.where(Region.province_code == province)
    for region in db.session.execute(query).scalars():
        columns = (region.kemendagri_code, region.bps_code, region.name, region.capital)
        click.echo("\t".join(column or "" for column in columns))


# --- users ------------------------------------------------------------------------------------


@users_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice(["admin", "secretariat", "official"]), required=True)
@click.option("--email", default=None)
@click.password_option("--password", prompt="Kata sandi")
@with_appcontext
def users_create(
    username: str, display_name: str, role: str, email: str | None, password: str
) -> None:
    from signing.auth.operations import AccountError, create_user
    from signing.models import Role

    require_migrated()
    try:
        create_user(
            db.session,
            username=username,
            display_name=display_name,
            password=password,
            role=Role(role),
            email=email,
            actor="cli",
        )
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Akun '{username}' dibuat.")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    from signing.models import User

    require_migrated()
    for user in db.session.execute(sa.select(User).order_by(User.username)).scalars():
        offices = ", ".join(o.title for o in user.current_offices)
        click.echo(f"{user.username}\t{user.role.value}\t{user.display_name}\t{offices}")


@users_group.command("set-password")
@click.argument("username")
@click.password_option("--password", prompt="Kata sandi baru")
@with_appcontext
def users_set_password(username: str, password: str) -> None:
    from signing.auth.operations import AccountError, set_password

    require_migrated()
    user = account_to_change(username)
    try:
        set_password(db.session, user, password, actor="cli")
    except AccountError as error:
        fail(str(error))
    db.session.commit()
    click.echo("Kata sandi diganti; semua sesi akun ini diakhiri.")


# --- audit ------------------------------------------------------------------------------------


@click.group("audit", help="Jejak audit.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option(
    "--pdf",
    "pdfs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Salinan dokumen bertanda tangan: kepala rantai yang disematkan tiap tanda tangan "
    "diperiksa terhadap jejak audit.",
)
@with_appcontext
def audit_verify(pdfs: tuple[Path, ...]) -> None:
    """Periksa rantai hash jejak audit dan checkpoint bersegelnya; keluar 1 dan sebutkan
    entri yang dihapus, dipotong atau ditulis ulang."""
    from signing import audit
    from signing.pades.errors import PadesError
    from signing.pades.sign import audit_heads
    from signing.workflow.marks import verify_decline_signatures

    require_migrated()
    pins = []
    for path in pdfs:
        try:
            heads = audit_heads(path.read_bytes())
        except PadesError as error:
            fail(f"{path.name}: {error}")
        pins += [(seq, head, f"tanda tangan {name} di {path.name}") for name, seq, head in heads]
    problems = audit.verify_chain(db.session)
    report = audit.verify_checkpoints(db.session, current_app, pins)
    problems += report.problems
    problems += verify_decline_signatures(db.session)
    if problems:
        for problem in problems:
            click.secho(f"Entri #{problem.entry_id}: {problem.message}", fg="red", err=True)
        sys.exit(1)
    click.echo("Rantai audit utuh.")
    if report.last_seq is None:
        click.echo("Belum ada checkpoint bersegel: seluruh jejak audit belum dijangkarkan.")
    else:
        click.echo(
            f"{report.checkpoints} checkpoint bersegel sah; dijangkarkan sampai entri "
            f"#{report.last_seq}; {report.unanchored} entri sesudahnya belum dijangkarkan."
        )
    if pins:
        click.echo(f"{len(pins)} kepala rantai dari dokumen cocok dengan jejak audit.")
