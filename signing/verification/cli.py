"""``signing verify FILE [--json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from signing import db

from .service import VerificationResult, VerifierBusy, format_wib, verify_upload

EXIT_HELP = """
\b
Kode keluar (exit code):
  0  sah: tanda tangan utuh dan terpercaya, dokumen diterbitkan sistem
     ini ("Sah dan lengkap" atau "Sah, belum lengkap")
  1  tidak sah: dokumen diubah setelah ditandatangani, tidak diterbitkan
     oleh sistem ini, sertifikat dicabut, atau komitmen dibatalkan
  2  tidak dapat diperiksa: bukan PDF, rusak/terpotong, terenkripsi,
     tanpa tanda tangan, melebihi batas waktu/memori, atau berkas tidak
     dapat dibaca
"""


def _print_result(result: VerificationResult) -> None:
    colour = {0: "green", 1: "red", 2: "yellow"}[result.exit_code]
    click.secho(result.message, fg=colour, bold=True)
    for line in result.details:
        click.echo(f"  {line}")
    click.echo(f"SHA-256: {result.sha256}")
    if result.commitment_id is not None:
        latest = "terbaru" if result.is_latest else "BUKAN berkas terbaru"
        click.echo(
            f"Dokumen: {result.commitment_number} ({result.region_name}), kode "
            f"{result.commitment_code}, tahap penandatanganan ke-{result.revision_sequence} dari "
            f"{result.latest_sequence} ({latest})"
        )
    for k, sig in enumerate(result.signatures, start=1):
        state = "sah" if sig.ok else f"TIDAK SAH: {sig.problem}"
        click.echo(
            f"{k}. {sig.kind_label}: {sig.name or '-'}" + (f", {sig.office}" if sig.office else "")
        )
        extra = [sig.capacity_label] if sig.capacity_label else []
        if sig.slot_label:
            extra.append(sig.slot_label)
        if sig.attests:
            extra.append(sig.attests)
        if extra:
            click.echo("   " + "; ".join(extra))
        when = format_wib(sig.timestamp_time or sig.signing_time, seconds=True)
        click.echo(f"   waktu {when or '-'}; sertifikat: {sig.certificate_status}; {state}")


@click.command("verify", epilog=EXIT_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (untuk integrasi).")
@with_appcontext
def verify_command(file: Path, as_json: bool) -> None:
    """Periksa keaslian dan keutuhan dokumen PDF bertanda tangan elektronik."""

    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 20 * 1024 * 1024)
    size = file.stat().st_size
    if size > limit:
        message = f"Tidak dapat diperiksa: berkas lebih besar dari {limit // (1024 * 1024)} MB."
        if as_json:
            click.echo(json.dumps({"verdict": "cannot_verify", "message": message, "exit_code": 2}))
        else:
            click.secho(message, fg="yellow", bold=True)
        sys.exit(2)
    try:
        result = verify_upload(db.session, file.read_bytes())
    except VerifierBusy:
        click.secho("Tidak dapat diperiksa: pemeriksa sedang sibuk, coba lagi.", fg="yellow")
        sys.exit(2)
    finally:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    sys.exit(result.exit_code)


COMMANDS = [verify_command]
