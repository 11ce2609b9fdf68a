"""``signing bench``: every benchmark in one run (``bench/run_all.py``, from the checkout).

The benchmarks build throwaway databases, CAs and PDFs, start gunicorn and reuse test helpers:
they are development tools, not part of the installed application. So the package never
imports them: the command runs ``python -m bench.run_all`` from the repository checkout in a
child process, with the same options, and passes its output and exit status through.
"""

from __future__ import annotations

import subprocess
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
    options = [
        flag
        for flag, wanted in (("--quick", quick), ("--json", as_json), ("--no-http", no_http))
        if wanted
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run_all", *options], cwd=PROJECT_DIR, check=False
    )
    sys.exit(completed.returncode)


COMMANDS = [bench_command]
