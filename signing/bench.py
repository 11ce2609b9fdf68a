"""``signing bench``: every benchmark in one run (see ``bench/run_all.py``).

The command lives in the package so that ``signing bench`` exists; the benchmarks themselves
stay in the repository's ``bench/`` folder, next to the tests whose helpers some of them reuse.
They build throwaway databases, CAs and PDFs, start gunicorn and need the development tools:
they are not part of the installed application, so the command runs them from the checkout.
"""

from __future__ import annotations

import json
import sys

import click

from signing import PROJECT_DIR


@click.command("bench")
@click.option("--quick", is_flag=True, help="Putaran ringkas (28 komitmen, satu skenario HTTP).")
@click.option("--json", "as_json", is_flag=True, help="Cetak angka sebagai JSON.")
@click.option("--no-http", is_flag=True, help="Lewati uji beban HTTP (gunicorn + PostgreSQL).")
def bench_command(quick: bool, as_json: bool, no_http: bool) -> None:
    """Ukur kecepatan: setiap angka di samping acuannya, rasio, dan targetnya (PASS/MISS)."""
    if not (PROJECT_DIR / "bench" / "run_all.py").exists():
        click.secho(
            "Benchmark hanya tersedia dari salinan repositori (folder bench/ tidak ditemukan).",
            fg="red",
            err=True,
        )
        sys.exit(1)
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    from bench import run_all

    results = run_all.run(quick=quick, http=not no_http)
    if as_json:
        click.echo(json.dumps(results, indent=2, default=str))
    else:
        click.echo(run_all.format_table(results))


COMMANDS = [bench_command]
