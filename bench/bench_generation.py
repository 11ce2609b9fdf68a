"""Benchmark: milliseconds per commitment document, beside a bare reportlab rendering.

For each of N Kabupaten/Kota (cycling through the 514 of the national file) the same content is
rendered three ways, interleaved so that machine noise hits all three alike:

- reference: the bare reportlab rendering of the same layout (same flowables; the signature
  boxes are plain spacers, nothing is recorded, no pyHanko);
- render: :func:`signing.documents.render_commitment` (boxes recorded, SHA-256 taken);
- render + fields: the above plus :func:`signing.pades.fields.add_signature_fields`.

Prints each figure beside its reference and the ratio. Target: render within 1.2x of the
reference. Not a test: nothing is asserted.

    python bench/bench_generation.py [N]
"""

from __future__ import annotations

import csv
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from signing.commitments.generation import FIELD_LOCKS  # noqa: E402
from signing.documents import (  # noqa: E402
    DEFAULT_CONSIDERATIONS,
    DEFAULT_LEGAL_BASES,
    DEFAULT_POINTS,
    CommitmentContent,
    Party,
    render_commitment,
)
from signing.documents.render import render_bare  # noqa: E402
from signing.pades.fields import add_signature_fields  # noqa: E402

REGIONS_CSV = ROOT / "signing" / "data" / "wilayah-indonesia.csv"
TARGET_RATIO = 1.2


def _regions() -> list[dict[str, str]]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["tingkat"] in ("kabupaten", "kota")]


def _content(row: dict[str, str]) -> CommitmentContent:
    province = row["nama_provinsi"]
    name = row["nama"].split(" ", 1)[1]
    head = "BUPATI" if row["tingkat"] == "kabupaten" else "WALI KOTA"
    person = "Pejabat Contoh (Demo)"
    code = f"KB-PTSP-BENCH-{row['kode']}"
    return CommitmentContent(
        province_name=province,
        region_name=name,
        region_kind=row["tingkat"],
        document_number=f"100.3.7/{row['kode']}/PTSP-PRIMA/2019",
        document_code=code,
        event_name="Rapat Koordinasi Pimpinan Daerah dalam rangka Penyelenggaraan PTSP Prima",
        event_date=datetime.date(2019, 10, 24),
        event_place="Palangka Raya",
        legal_bases=DEFAULT_LEGAL_BASES,
        considerations=DEFAULT_CONSIDERATIONS,
        points=DEFAULT_POINTS,
        gubernur=Party("gubernur", f"GUBERNUR {province.upper()}", person),
        kepala_daerah=Party("kepala_daerah", f"{head} {name.upper()}", person),
        ketua_dprd=Party("ketua_dprd", f"KETUA DPRD {row['nama'].upper()}", person),
        saksi_wakil_gubernur=Party(
            "saksi_wakil_gubernur", f"WAKIL GUBERNUR {province.upper()}", person
        ),
        saksi_ketua_dprd_provinsi=Party(
            "saksi_ketua_dprd_provinsi", f"KETUA DPRD PROVINSI {province.upper()}", person
        ),
        verification_url=f"https://ptsp-prima.example.go.id/verifikasi/{code}",
    )


def run(n: int = 514) -> dict[str, float]:
    """Render ``n`` commitments each way; return mean milliseconds per commitment and ratios."""
    regions = _regions()
    contents = [_content(regions[k % len(regions)]) for k in range(n)]
    # Warm up: font registration, subsetting tables, pyHanko imports.
    render_bare(contents[0])
    rendered = render_commitment(contents[0])
    add_signature_fields(rendered.pdf, rendered.fields, locks=FIELD_LOCKS)

    bare: list[float] = []
    render: list[float] = []
    fields: list[float] = []
    clock = time.perf_counter
    for content in contents:
        t0 = clock()
        render_bare(content)
        t1 = clock()
        rendered = render_commitment(content)
        t2 = clock()
        add_signature_fields(rendered.pdf, rendered.fields, locks=FIELD_LOCKS)
        t3 = clock()
        bare.append(t1 - t0)
        render.append(t2 - t1)
        fields.append(t3 - t2)

    def ms(values: list[float]) -> float:
        return 1000 * sum(values) / len(values)

    bare_ms = ms(bare)
    render_ms = ms(render)
    with_fields_ms = render_ms + ms(fields)
    return {
        "n": n,
        "bare_ms": bare_ms,
        "bare_median_ms": 1000 * statistics.median(bare),
        "render_ms": render_ms,
        "render_median_ms": 1000 * statistics.median(render),
        "fields_ms": ms(fields),
        "render_with_fields_ms": with_fields_ms,
        "render_ratio": render_ms / bare_ms,
        "render_with_fields_ratio": with_fields_ms / bare_ms,
        "batch_s": sum(render) + sum(fields),
    }


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 514
    r = run(n)
    print(f"commitments rendered: {r['n']} (each way, interleaved)")
    print(
        f"reference  bare reportlab          {r['bare_ms']:7.2f} ms/commitment "
        f"(median {r['bare_median_ms']:.2f})"
    )
    print(
        f"render     render_commitment       {r['render_ms']:7.2f} ms/commitment "
        f"(median {r['render_median_ms']:.2f})  vs reference {r['bare_ms']:.2f} ms: "
        f"ratio {r['render_ratio']:.3f} (target <= {TARGET_RATIO})"
    )
    print(
        f"batch      render + fields          {r['render_with_fields_ms']:7.2f} ms/commitment "
        f"(fields alone {r['fields_ms']:.2f})  vs reference {r['bare_ms']:.2f} ms: "
        f"ratio {r['render_with_fields_ratio']:.3f}"
    )
    print(f"whole batch of {r['n']} with fields: {r['batch_s']:.1f} s")


if __name__ == "__main__":
    main(sys.argv)
