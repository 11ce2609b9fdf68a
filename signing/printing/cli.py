"""``signing print``: the signed PDF or its print copy, the event bundle, the status report."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import fail, get_or_fail
from signing.commitments.errors import StorageError
from signing.commitments.storage import current_pdf
from signing.models import Commitment, Event
from signing.printing.bundle import event_bundle
from signing.printing.copy import load_commitment, print_copy, record_print_copy
from signing.printing.report import status_report

EXIT_HELP = """
\b
Kode keluar: 0 berhasil; 1 dokumen/acara tidak ditemukan atau dokumen
belum diterbitkan; 2 penggunaan salah.
"""


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@click.group(
    "print",
    invoke_without_command=True,
    epilog=EXIT_HELP,
    help=(
        "Cetak dokumen: tanpa subperintah, PDF bertanda tangan satu komitmen (--commitment ID, "
        "byte asli) atau salinannya dengan lembar verifikasi (--copy)."
    ),
)
@click.option("--commitment", "commitment_id", type=int, help="ID komitmen.")
@click.option("--copy", "as_copy", is_flag=True, help="Salinan cetak dengan lembar verifikasi.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Berkas PDF.")
@click.pass_context
@with_appcontext
def print_group(
    ctx: click.Context, commitment_id: int | None, as_copy: bool, output: Path | None
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    if commitment_id is None or output is None:
        raise click.UsageError(
            "Gunakan --commitment ID -o BERKAS (atau subperintah bundle/report)."
        )

    commitment = load_commitment(db.session, commitment_id)
    if commitment is None:
        fail(f"Komitmen {commitment_id} tidak ditemukan.")
    try:
        if as_copy:
            copy = print_copy(db.session, commitment)
            data = copy.pdf
            note = f"salinan cetak, {copy.original_pages} halaman + lembar verifikasi"
        else:
            data = current_pdf(db.session, commitment)
            note = "PDF bertanda tangan (byte asli)"
    except StorageError as error:
        db.session.rollback()
        fail(str(error))
    _write(output, data)
    if as_copy:
        # Audited once written: an uploaded copy is recognised by this record.
        record_print_copy(db.session, commitment, copy, actor="cli")
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(f"{output}: {commitment.number} ({commitment.region.name}), {note}.")


@print_group.command("bundle", epilog=EXIT_HELP)
@click.option("--event", "event_id", type=int, required=True, help="ID acara.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--no-sheets", is_flag=True, help="Tanpa lembar verifikasi per dokumen.")
@with_appcontext
def print_bundle(event_id: int, output: Path, no_sheets: bool) -> None:
    """Bundel semua komitmen satu acara dalam satu PDF siap cetak (sampul, daftar isi)."""

    get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")
    count = db.session.query(Commitment).filter(Commitment.event_id == event_id).count()
    with click.progressbar(
        length=max(count, 1), label="Menyiapkan dokumen", show_pos=True, file=sys.stderr
    ) as bar:

        def progress(done: int, total: int, label: str) -> None:
            bar.label = f"Menyiapkan {label[:30]:<30}"
            bar.update(1)

        try:
            bundle = event_bundle(
                db.session, event_id, with_sheets=not no_sheets, progress=progress
            )
        except StorageError as error:
            fail(f"Bundel tidak dibuat: {error}")
        finally:
            db.session.rollback()
    _write(output, bundle.pdf)
    click.echo(
        f"{output}: {len(bundle.documents)} dokumen, {bundle.page_count} halaman "
        f"({len(bundle.pdf) // 1024} KB)."
    )


@print_group.command("report", epilog=EXIT_HELP)
@click.option("--event", "event_id", type=int, required=True, help="ID acara.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def print_report(event_id: int, output: Path) -> None:
    """Rekapitulasi status penandatanganan acara (matriks, daftar paraf, jumlah)."""

    try:
        report = status_report(db.session, event_id)
    except LookupError as error:
        fail(str(error))
    finally:
        db.session.rollback()
    _write(output, report.pdf)
    click.echo(f"{output}: rekapitulasi {len(report.data.rows)} komitmen.")


COMMANDS = [print_group]
