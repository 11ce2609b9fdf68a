"""Print copy, event bundle and status report: valid PDFs whose text matches the database."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing import db
from signing.models import Act, ActKind, Commitment, Region
from signing.printing.pages import page_count, page_texts
from signing.workflow.status import CommitmentState, event_overview

QPDF = shutil.which("qpdf")


def qpdf_check(pdf: bytes, tmp_path: Path) -> None:
    if QPDF is None:
        pytest.skip("qpdf is not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([QPDF, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _commitment(app, commitment_id: int):  # type: ignore[no-untyped-def]
    from signing.printing.copy import load_commitment

    return load_commitment(db.session, commitment_id)


# ------------------------------------------------------------------------------- copy


def test_print_copy_sheet_carries_the_original_hash_and_every_act(
    app, tmp_path, current_pdf_of, scenario
) -> None:
    from signing.printing.copy import print_copy

    original = current_pdf_of(scenario.kotim)
    with app.app_context():
        commitment = _commitment(app, scenario.kotim)
        copy = print_copy(db.session, commitment)
        acts = [(a.kind, a.actor_name) for a in commitment.acts]
        code = commitment.code
    qpdf_check(copy.pdf, tmp_path)
    original_pages = page_count(original)
    assert page_count(copy.pdf) == original_pages + 1
    texts = page_texts(copy.pdf)
    sheet = texts[-1]
    # The hash printed on the sheet is the SHA-256 of the signed file it was made from.
    printed = re.search(r"ditandatangani ([0-9a-f]{64})", sheet).group(1)
    assert printed == hashlib.sha256(original).hexdigest() == copy.original_sha256
    assert f"http://signing.test/v/{code}" in sheet
    assert "SALINAN" in sheet and "tidak lagi dapat diperiksa secara elektronik" in sheet
    assert "dibubuhkan secara elektronik menggunakan sertifikat elektronik" in sheet
    compact = _compact(sheet)
    for kind, name in acts:
        assert _compact(name) in compact, name
        assert _compact(ActKind(kind).label) in compact
    assert len(acts) == 6  # seal, paraf, two witnesses, two signatures
    assert "Masih ditunggu" in sheet and "Bupati Kotawaringin Timur" in sheet
    # Every page says it is a copy, with its page number in the copy.
    for number, text in enumerate(texts, start=1):
        assert f"SALINAN - {code}" in text and f"hlm. {number}/{len(texts)}" in text
    # The document pages are the original's (widgets flattened): its text is all there.
    for page_text, original_text in zip(texts, page_texts(original), strict=False):
        assert _compact(original_text)[:200] in _compact(page_text)


def test_print_copy_no_longer_verifies_and_says_why(app, verify, scenario) -> None:
    from signing.printing.copy import print_copy

    with app.app_context():
        copy = print_copy(db.session, _commitment(app, scenario.complete))
    result = verify(copy.pdf)
    assert result.verdict.value == "cannot_verify"
    assert any("Salinan cetak" in line for line in result.details)


def test_sheet_of_a_complete_commitment_lists_the_document_time_stamp(app, scenario) -> None:
    from signing.printing.copy import print_copy

    with app.app_context():
        copy = print_copy(db.session, _commitment(app, scenario.complete))
    sheet = page_texts(copy.pdf)[-1]
    assert "Cap waktu dokumen" in sheet and "Lengkap" in sheet
    assert "Masih ditunggu" not in sheet
    assert copy.sheet.revision_label.endswith("(terbaru)")


def test_signed_pdf_marks_are_flagged_to_print(current_pdf_of, scenario) -> None:
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(current_pdf_of(scenario.complete)))
    widgets = 0
    for field_ref in reader.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/FT") == "/Sig" and "/V" in field and "/Rect" in field:
            rect = [float(v) for v in field["/Rect"]]
            if rect[2] > rect[0]:
                widgets += 1
                assert int(field.get("/F", 0)) & 4, field.get("/T")
    assert widgets >= 5


# ----------------------------------------------------------------------------- bundle


def test_bundle_is_valid_and_matches_the_database(app, tmp_path, scenario) -> None:
    from signing.printing.bundle import event_bundle

    calls: list[tuple[int, int, str]] = []
    with app.app_context():
        started = time.perf_counter()
        bundle = event_bundle(
            db.session, scenario.event_id, progress=lambda d, t, label: calls.append((d, t, label))
        )
        elapsed = time.perf_counter() - started
        overview = event_overview(db.session, scenario.event_id)
        expected = [(c.region.name, c.number, c.code, s.state.label) for c, s in overview]
    print(f"\nbundle of {len(expected)} commitments: {bundle.page_count} pages, "
          f"{len(bundle.pdf) // 1024} KB, {elapsed * 1000:.0f} ms")  # fmt: skip
    qpdf_check(bundle.pdf, tmp_path)
    assert len(expected) == 14
    assert [c[0] for c in calls] == list(range(1, 15)) and all(c[1] == 14 for c in calls)
    texts = page_texts(bundle.pdf)
    assert len(texts) == bundle.page_count
    assert "BUNDEL KOMITMEN BERSAMA" in texts[0]
    contents = " ".join(texts[: bundle.page_count - sum(
        last - first + 1 for _n, first, last in bundle.documents)])  # fmt: skip
    assert "DAFTAR ISI" in contents
    for region, number, code, state in expected:
        assert region in contents and number in contents and code in contents
        assert _compact(state) in _compact(contents)
    # Each document sits on the pages the contents name, followed by its verification sheet.
    for (region, first, last), (region_db, number, code, _state) in zip(
        bundle.documents, expected, strict=True
    ):
        assert region == region_db
        assert f"{first}-{last}" in contents
        pages = texts[first - 1 : last]
        assert "KOMITMEN BERSAMA" in pages[0] and number in pages[0]
        assert "LEMBAR VERIFIKASI SALINAN" in pages[-1] and code in pages[-1]
    for number, text in enumerate(texts, start=1):
        assert f"hlm. {number}/{bundle.page_count}" in text


def test_bundle_lists_but_does_not_print_what_is_not_issued(app, scenario) -> None:
    from signing.models import User
    from signing.printing.bundle import event_bundle
    from signing.workflow.operations import void_commitment

    with app.app_context():
        session = db.session
        staff = session.execute(sa.select(User).where(User.username == "sekretariat")).scalar_one()
        void_commitment(session, session.get(Commitment, scenario.draft), "Uji", actor=staff,
                        reissue=False)  # fmt: skip
        session.commit()
        bundle = event_bundle(session, scenario.event_id, with_sheets=False)
    assert len(bundle.documents) == 13
    voided = next(e for e in bundle.cover.entries if e.region_label == "Kabupaten Kapuas")
    assert voided.first_page is None and voided.note == "Dibatalkan"
    assert "LEMBAR VERIFIKASI" not in " ".join(page_texts(bundle.pdf))


# ----------------------------------------------------------------------------- report


def test_status_report_matches_the_acts(app, tmp_path, scenario) -> None:
    from signing.printing.report import status_report

    with app.app_context():
        session = db.session
        report = status_report(session, scenario.event_id)
        regions = list(
            session.execute(sa.select(Region.name).order_by(Region.kemendagri_code)).scalars()
        )
        overview = event_overview(session, scenario.event_id)
        signs = session.execute(
            sa.select(sa.func.count(Act.id)).where(Act.kind == ActKind.SIGN)
        ).scalar_one()
        witnesses = session.execute(
            sa.select(sa.func.count(Act.id)).where(Act.kind == ActKind.WITNESS)
        ).scalar_one()
        complete = sum(1 for c, _s in overview if c.completed_at is not None)
    qpdf_check(report.pdf, tmp_path)
    text = " ".join(page_texts(report.pdf))
    assert "REKAPITULASI PENANDATANGANAN" in text
    assert re.search(r"Dicetak: \d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIB", text)
    for region in regions:
        assert region in text
    totals = dict(report.data.totals)
    assert totals["Jumlah komitmen"] == 14
    assert totals["Tanda tangan pihak (dari 42)"] == signs == 5
    assert totals["Kesaksian (dari 28)"] == witnesses == 4
    assert totals[CommitmentState.COMPLETE.label] == complete == 1
    assert totals["Paraf yang menunggu tanda tangan"] == 1
    for label, count in report.data.totals:
        assert re.search(re.escape(label) + r"\s+" + str(count), text), label
    # The paraf-only list names the Wakil Bupati, the witnesses and whose signature is owed.
    paraf_section = text[text.index("Paraf tanpa tanda tangan") :]
    assert "H.M. Taufik Mukri" in paraf_section
    assert "Bupati Kotawaringin Timur" in paraf_section
    assert paraf_section.count("(DEMO)") >= 2  # the two witnesses, placeholder names


def test_cli_print_commands(runner, tmp_path, current_pdf_of, scenario) -> None:
    original = tmp_path / "asli.pdf"
    result = runner.invoke(args=["print", "--commitment", str(scenario.kotim), "-o", str(original)])
    assert result.exit_code == 0, result.output
    assert original.read_bytes() == current_pdf_of(scenario.kotim)
    copy = tmp_path / "salinan.pdf"
    result = runner.invoke(
        args=["print", "--commitment", str(scenario.kotim), "--copy", "-o", str(copy)]
    )
    assert result.exit_code == 0 and "lembar verifikasi" in result.output
    bundle = tmp_path / "bundel.pdf"
    result = runner.invoke(
        args=["print", "bundle", "--event", str(scenario.event_id), "-o", str(bundle)]
    )
    assert result.exit_code == 0, result.output
    assert "14 dokumen" in result.output and bundle.read_bytes().startswith(b"%PDF-")
    report = tmp_path / "rekap.pdf"
    result = runner.invoke(
        args=["print", "report", "--event", str(scenario.event_id), "-o", str(report)]
    )
    assert result.exit_code == 0 and report.exists()
    missing = runner.invoke(args=["print", "--commitment", "99999", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output
    assert (
        runner.invoke(args=["print", "report", "--event", "99999", "-o", str(report)]).exit_code
        == 1
    )
    assert runner.invoke(args=["print"]).exit_code == 2
