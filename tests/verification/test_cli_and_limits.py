"""``signing verify`` exit codes, the bounded worker, a poppler cross-check, and timing."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest

from signing import db
from signing.verification.sandbox import Limits, verify_bounded
from tests.pades.pdf_helpers import add_visible_text

from .bombs import wide_array_bomb
from .scenario import Scenario


def _run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["verify", *args])


def test_exit_code_0_for_a_valid_document(runner, tmp_path: Path, current_pdf_of, scenario) -> None:
    path = tmp_path / "lengkap.pdf"
    path.write_bytes(current_pdf_of(scenario.complete))
    result = _run(runner, str(path))
    assert result.exit_code == 0, result.output
    assert "Sah dan lengkap" in result.output
    assert "Segel instansi" in result.output and "Cap waktu dokumen" in result.output


def test_exit_code_0_also_when_valid_but_incomplete(
    runner, tmp_path, current_pdf_of, scenario
) -> None:
    path = tmp_path / "kotim.pdf"
    path.write_bytes(current_pdf_of(scenario.kotim))
    result = _run(runner, str(path))
    assert result.exit_code == 0
    assert "Sah, belum lengkap" in result.output and "Paraf: H.M. Taufik Mukri" in result.output


def test_exit_code_1_for_a_changed_document(runner, tmp_path, current_pdf_of, scenario) -> None:
    path = tmp_path / "diubah.pdf"
    path.write_bytes(add_visible_text(current_pdf_of(scenario.complete)))
    result = _run(runner, str(path))
    assert result.exit_code == 1
    assert "Dokumen telah diubah setelah ditandatangani" in result.output


@pytest.mark.parametrize("content", [b"", b"bukan pdf", b"%PDF-1.7\n1 0 obj\n<<"])
def test_exit_code_2_when_it_cannot_be_verified(runner, tmp_path, content: bytes) -> None:
    path = tmp_path / "rusak.pdf"
    path.write_bytes(content)
    result = _run(runner, str(path))
    assert result.exit_code == 2
    assert "Tidak dapat diperiksa" in result.output


def test_json_output(runner, tmp_path, current_pdf_of, scenario) -> None:
    path = tmp_path / "kotim.pdf"
    path.write_bytes(current_pdf_of(scenario.kotim))
    result = _run(runner, "--json", str(path))
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verdict"] == "valid_incomplete" and data["exit_code"] == 0
    assert data["commitment"]["region"] == "Kabupaten Kotawaringin Timur"
    kinds = {s["field_name"]: s["kind"] for s in data["signatures"]}
    assert kinds["paraf_kepala_daerah"] == "paraf"


def test_help_documents_the_exit_codes(runner) -> None:
    result = runner.invoke(args=["verify", "--help"])
    assert result.exit_code == 0
    for line in ("0  sah", "1  tidak sah", "2  tidak dapat diperiksa"):
        assert line in result.output


@pytest.mark.parametrize("scenario_app", [{"MAX_CONTENT_LENGTH": 1024}], indirect=True)
def test_cli_refuses_files_over_the_limit_without_reading_them(runner, tmp_path) -> None:
    path = tmp_path / "besar.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * 4096)
    result = _run(runner, str(path))
    assert result.exit_code == 2
    assert "lebih besar" in result.output


# ------------------------------------------------------------------------- the worker


def test_wall_clock_limit_kills_the_child(current_pdf_of, scenario) -> None:
    pdf = current_pdf_of(scenario.complete)
    started = time.monotonic()
    report = verify_bounded(pdf, trust_roots=[], limits=Limits(timeout_seconds=0.05))
    elapsed = time.monotonic() - started
    assert report.error and "batas waktu" in report.error
    assert elapsed < 5
    # The worker survives and serves the next request.
    report = verify_bounded(b"bukan pdf", trust_roots=[])
    assert report.error and "bukan dokumen PDF" in report.error


def test_memory_limit_stops_the_child_not_the_app() -> None:
    # 2 MB on disk, a million objects in the parser: over a 160 MB address-space limit.
    started = time.monotonic()
    report = verify_bounded(
        wide_array_bomb(1_000_000), trust_roots=[], limits=Limits(memory_mb=160)
    )
    elapsed = time.monotonic() - started
    assert report.error == (
        "Tidak dapat diperiksa: berkas membutuhkan memori melebihi batas pemeriksaan."
    )
    print(f"\nmemory limit reached after {elapsed * 1000:.0f} ms")
    # The worker survives and serves the next request.
    report = verify_bounded(b"bukan pdf", trust_roots=[])
    assert report.error and "bukan dokumen PDF" in report.error


def test_parallel_uploads_all_get_an_answer(app, current_pdf_of, scenario) -> None:
    from signing.verification.service import verify_upload

    pdf = current_pdf_of(scenario.draft)
    verdicts: list[str] = []

    def one() -> None:
        with app.app_context():
            verdicts.append(verify_upload(db.session, pdf).verdict.value)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert verdicts == ["valid_incomplete"] * 8


def test_verification_figures(app, verify, current_pdf_of, scenario: Scenario) -> None:
    """ms per document through the bounded service, beside pyHanko in-process (reference)."""
    from signing.pades.verify import verify_pdf
    from signing.pki import service

    cases = {"segel saja": scenario.draft, "7 tanda tangan": scenario.kotim,
             "lengkap + LTA": scenario.complete}  # fmt: skip
    verify(current_pdf_of(scenario.draft))  # start the worker
    lines = []
    for label, commitment_id in cases.items():
        pdf = current_pdf_of(commitment_id)
        ours, bare = [], []
        for _ in range(3):
            started = time.perf_counter()
            assert verify(pdf).exit_code == 0
            ours.append(time.perf_counter() - started)
        with app.app_context():
            roots = service.trust_roots()
            crls = service.current_crls(db.session)
            for _ in range(3):
                started = time.perf_counter()
                verify_pdf(pdf, trust_roots=roots, crls=crls)
                bare.append(time.perf_counter() - started)
        a, b = statistics.median(ours) * 1000, statistics.median(bare) * 1000
        lines.append(
            f"{label:16} service {a:7.0f} ms  pyHanko in-process {b:7.0f} ms  ratio {a / b:.2f}"
        )
    print("\nverification per document (median of 3):\n" + "\n".join(lines))


@pytest.mark.skipif(
    shutil.which("pdfsig") is None or shutil.which("certutil") is None,
    reason="pdfsig (poppler-utils) or certutil (libnss3-tools) is not installed",
)
def test_pdfsig_agrees_on_a_valid_document(app, tmp_path, current_pdf_of, scenario) -> None:
    from signing.pki import service

    with app.app_context():
        root = service.get_ca(app).root_cert
        from signing.pki.ca import certificate_to_pem

        pem = certificate_to_pem(root)
    (tmp_path / "root.pem").write_bytes(pem)
    nss = f"sql:{tmp_path}"
    subprocess.run(["certutil", "-N", "-d", nss, "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            nss,
            "-n",
            "root",
            "-t",
            "CT,C,C",
            "-i",
            str(tmp_path / "root.pem"),
        ],
        check=True,
    )
    path = tmp_path / "lengkap.pdf"
    path.write_bytes(current_pdf_of(scenario.complete))
    output = subprocess.run(
        ["pdfsig", "-nssdir", nss, "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    fields = {"ttd_gubernur", "ttd_kepala_daerah", "ttd_ketua_dprd", "saksi_wakil_gubernur",
              "saksi_ketua_dprd_provinsi"}  # fmt: skip
    for field in fields:
        assert f"Signature Field Name: {field}" in output
    assert output.count("Signature Validation: Signature is Valid.") >= len(fields)
    assert output.count("Certificate Validation: Certificate is Trusted.") >= len(fields)
