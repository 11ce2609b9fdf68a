"""``signing secretariat ...``: status and exports, readiness, MCP import, band schemes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from signing.models import BandScheme, McpScore
from tests.conftest import count_rows
from tests.secretariat.builders import KOTIM


def test_status_text_and_export_files(runner, rakor, demo_event, tmp_path: Path) -> None:
    result = runner.invoke(args=["secretariat", "status", "--event", str(demo_event.id)])
    assert result.exit_code == 0, result.output
    kotim = next(line for line in result.output.splitlines() if line.startswith(KOTIM))
    assert "paraf saja" in kotim and "tanda tangan terutang" in kotim
    result = runner.invoke(
        args=[
            "secretariat",
            "status",
            "--event",
            str(demo_event.id),
            "--format",
            "xlsx",
            "--output",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path.name == "status-rakor-ptsp-2019-10-24.xlsx" and path.parent == tmp_path
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert any(row[0] == KOTIM for row in rows)
    result = runner.invoke(
        args=["secretariat", "status", "--event", str(demo_event.id), "--list", "paraf-saja"]
    )
    assert "H.M. Taufik Mukri" in result.output and "terutang" in result.output
    result = runner.invoke(args=["secretariat", "status", "--event", "9999"])
    assert result.exit_code == 1 and "tidak ditemukan" in result.output


def test_readiness_exit_code(runner, demo_event) -> None:
    result = runner.invoke(args=["secretariat", "readiness", "--event", str(demo_event.id)])
    assert result.exit_code == 1
    assert "!! Setiap pejabat penandatangan memiliki sertifikat tanda tangan aktif" in result.output
    assert "OK Setiap jabatan penandatangan memiliki pejabat" in result.output


def test_mcp_import_and_seed_bands(runner, db_session, kalteng, tmp_path: Path) -> None:
    result = runner.invoke(args=["secretariat", "seed-bands"])
    assert result.exit_code == 0 and "2 skema" in result.output
    assert runner.invoke(args=["secretariat", "seed-bands"]).output.startswith("0 skema")
    assert count_rows(db_session, BandScheme) == 2
    good = tmp_path / "baik.csv"
    good.write_text("kode_wilayah,periode,ptsp,pendelegasian\n62.07,2019-10,100,100\n")
    result = runner.invoke(args=["secretariat", "mcp-import", str(good)])
    assert result.exit_code == 0 and "1 baris (1 baru" in result.output
    bad = tmp_path / "rusak.csv"
    bad.write_text(
        "kode_wilayah;periode;ptsp;pendelegasian\n62.01;2019-10;80;90\n62.02;2019-10;150;90\n"
    )
    result = runner.invoke(args=["secretariat", "mcp-import", str(bad)])
    assert result.exit_code == 1
    assert "Baris 3: ptsp 150 melebihi 100." in result.output
    db_session.rollback()  # a fresh snapshot: see what the commands committed
    assert count_rows(db_session, McpScore) == 1
