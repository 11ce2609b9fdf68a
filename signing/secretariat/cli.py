"""``signing secretariat ...``: the secretariat's jobs from the command line.

Exit codes: 0 done, 1 the command ran and found a problem (event not ready, invalid import
file, unknown event), 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import get_or_fail, refuse_import, require_migrated
from signing.dates import wib_text
from signing.models import Event
from signing.secretariat import chase, dashboard, exports, overview, words
from signing.secretariat.events import readiness
from signing.secretariat.mcp import McpError, ensure_default_schemes, import_scores_csv


def _event(event_id: int) -> Event:
    require_migrated()
    return get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")


@click.group("secretariat", help="Pekerjaan sekretariat: status, tindak lanjut, kesiapan, MCP.")
def secretariat_group() -> None:
    pass


@secretariat_group.command("status")
@click.option("--event", "event_id", type=int, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "csv", "xlsx"]), default="text", show_default=True
)
@click.option(
    "--list",
    "kind",
    type=click.Choice(["status", "paraf-saja"]),
    default="status",
    show_default=True,
    help="Matriks status atau daftar paraf saja.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=True, path_type=Path),
    default=None,
    help="Berkas atau folder tujuan (csv/xlsx); bawaan: nama baku di folder ini.",
)
@with_appcontext
def status_command(event_id: int, fmt: str, kind: str, output: Path | None) -> None:
    """Matriks status acara (teks), atau ekspor CSV/XLSX bernama acara dan tanggal."""
    event = _event(event_id)
    loaded = overview.load_overview(db.session, event, with_offices=True)
    board = dashboard.build_dashboard(db.session, event, loaded=loaded)
    lists = chase.follow_up(loaded[0])
    if fmt == "text":
        if kind == "status":
            click.echo(f"{event.name} ({event.date.isoformat()}, {event.place})")
            click.echo(
                f"Lengkap {board.complete}/{board.total}; paraf saja {board.paraf_only}; "
                f"ditolak {board.declined}; dokumen belum dibuat {board.missing}"
            )
            for row in board.rows:
                cells = " | ".join(f"{cell.word:<14}" for cell in row.cells)
                region = f"{row.region.kemendagri_code} {row.region.name:<34}"
                click.echo(f"{region} {cells or 'dokumen belum dibuat'} {row.state_word}")
        else:
            for item in lists.paraf_only:
                click.echo(
                    f"{item.region.name}: {words.COLUMN_LABELS[item.role]} diparaf oleh "
                    f"{item.by} ({wib_text(item.paraf.created_at)}); disaksikan: "
                    f"{'; '.join(item.witnesses) or '-'}; terutang {item.owed_words}"
                )
        return
    name, data, _mime = exports.export(kind, fmt, board, lists)
    target = output or Path(name)
    if target.is_dir():
        target = target / name
    target.write_bytes(data)
    click.echo(str(target))


@secretariat_group.command("readiness")
@click.option("--event", "event_id", type=int, required=True)
@with_appcontext
def readiness_command(event_id: int) -> None:
    """Daftar periksa kesiapan; keluar 1 bila ada yang belum beres."""
    result = readiness(db.session, _event(event_id))
    for check in result.checks:
        mark = "OK " if check.ok else "!! "
        click.echo(f"{mark}{check.title}")
        for problem in check.problems:
            click.echo(f"     {problem}")
    if not result.ok:
        sys.exit(1)


@secretariat_group.command("mcp-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def mcp_import_command(path: Path) -> None:
    """Impor nilai MCP (kode_wilayah,periode,ptsp,pendelegasian); semua atau tidak sama sekali."""
    require_migrated()
    try:
        report = import_scores_csv(db.session, path.read_bytes(), actor="cli")
    except McpError as error:
        refuse_import(error.errors)
    db.session.commit()
    click.echo(
        f"Selesai: {report.rows} baris ({report.created} baru, {report.updated} diperbarui)."
    )


@secretariat_group.command("seed-bands")
@with_appcontext
def seed_bands_command() -> None:
    """Pasang skema zona bawaan (Korsupgah 2019, MCP 2024) yang belum ada."""
    require_migrated()
    created = ensure_default_schemes(db.session, actor="cli")
    db.session.commit()
    click.echo(f"{created} skema ditambahkan.")


COMMANDS = [secretariat_group]
