"""``signing generate`` and ``signing preview``.

Exit codes: 0 done; 1 at least one region failed (each is listed with the reason) or the
command was refused; 2 usage error.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import fail, get_or_fail, require_migrated
from signing.commitments.errors import GenerationError, StorageError
from signing.commitments.generation import generate_event, regions_for
from signing.commitments.storage import current_pdf
from signing.db import begin_write
from signing.documents.preview import page_count, page_png
from signing.models import Commitment, Event
from signing.pki.errors import PkiError


class _OfflineNoticeFilter(logging.Filter):
    """pyHanko warns on every seal that fetching is off; offline validation is our design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


def _quiet_pyhanko() -> None:
    logger = logging.getLogger("pyhanko.sign.signers.pdf_signer")
    if not any(isinstance(f, _OfflineNoticeFilter) for f in logger.filters):
        logger.addFilter(_OfflineNoticeFilter())


@click.command("generate")
@click.option("--event", "event_id", type=int, required=True, help="ID acara.")
@click.option("--all", "all_regions", is_flag=True, help="Semua kabupaten/kota provinsi acara.")
@click.option(
    "--region",
    "region_codes",
    multiple=True,
    metavar="KODE",
    help="Kode Kemendagri kabupaten/kota (mis. 62.02); boleh diulang.",
)
@with_appcontext
def generate_command(event_id: int, all_regions: bool, region_codes: tuple[str, ...]) -> None:
    """Buat dokumen komitmen (render, kolom tanda tangan, segel instansi)."""

    if all_regions == bool(region_codes):
        raise click.UsageError("Pilih salah satu: --all atau --region KODE.")
    require_migrated()
    _quiet_pyhanko()
    # A writer from the start: SQLite cannot turn a reader into a writer once another process
    # has committed in between.
    begin_write(db.session)
    event = get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")
    try:
        regions = regions_for(db.session, event, None if all_regions else list(region_codes))
    except GenerationError as error:
        fail(str(error))
    labels = {"generated": "dibuat", "skipped": "dilewati", "error": "GAGAL"}
    # A terminal gets a progress bar; a log or pipe (where click draws nothing) gets one line
    # per region, so progress is visible there too.
    interactive = sys.stdout.isatty()
    with click.progressbar(
        length=len(regions),
        label=f"Membuat {len(regions)} dokumen",
        item_show_func=lambda item: item,
        show_pos=True,
    ) as bar:
        done = 0

        def progress(region, outcome: str) -> None:  # type: ignore[no-untyped-def]
            nonlocal done
            done += 1
            status = f"{region.kemendagri_code} {labels[outcome]}"
            if interactive:
                bar.update(1, status)
            else:
                click.echo(f"[{done}/{len(regions)}] {status}")

        try:
            report = generate_event(
                db.session, event, actor="cli", regions=regions, progress=progress
            )
        except (GenerationError, PkiError) as error:
            db.session.rollback()
            fail(str(error))
    db.session.commit()
    for commitment in report.generated:
        click.echo(f"  dibuat    {commitment.region.kemendagri_code}  {commitment.number}")
    for region in report.skipped:
        click.echo(f"  dilewati  {region.kemendagri_code}  (dokumen sudah ada)")
    click.echo(
        f"Selesai: {len(report.generated)} dibuat, {len(report.skipped)} dilewati, "
        f"{len(report.errors)} gagal."
    )
    if report.errors:
        click.secho("Wilayah yang gagal:", fg="red", err=True)
        for region, message in report.errors:
            click.secho(f"  {region.kemendagri_code} {region.name}: {message}", fg="red", err=True)
        raise SystemExit(1)


@click.command("preview")
@click.option("--commitment", "commitment_id", type=int, required=True, help="ID dokumen.")
@click.option("--page", type=int, default=1, show_default=True, help="Halaman (mulai 1).")
@click.option("--scale", type=float, default=1.5, show_default=True, help="1 = 72 dpi.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def preview_command(commitment_id: int, page: int, scale: float, output: Path) -> None:
    """Simpan gambar PNG satu halaman revisi terkini dokumen."""

    require_migrated()
    commitment = get_or_fail(Commitment, commitment_id, f"Dokumen {commitment_id} tidak ditemukan.")
    try:
        pdf = current_pdf(db.session, commitment)
    except StorageError as error:
        fail(str(error))
    pages = page_count(pdf)
    if not 1 <= page <= pages:
        fail(f"Halaman {page} tidak ada; dokumen ini {pages} halaman.")
    if scale <= 0 or scale > 8:
        fail("Skala harus di antara 0 dan 8.")
    output.write_bytes(page_png(pdf, page - 1, scale=scale))
    click.echo(f"Halaman {page} dari {pages} disimpan di {output}.")


COMMANDS = [generate_command, preview_command]
