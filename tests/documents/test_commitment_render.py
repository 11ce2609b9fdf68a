"""The rendered commitment read back: text, layout, QR code, determinism, previews."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from doc_builders import (
    LONG_PERSON_NAME,
    UNBREAKABLE_NAME,
    content_for_region,
    make_content,
    national_regions,
    replace_party,
)
from doc_pdftext import inside, overlaps, read_pages
from PIL import Image

from signing.documents import ALL_SLOTS, PARTY_SLOTS, render_commitment, signature_field_name
from signing.documents import layout as L
from signing.documents.preview import page_count, page_png
from signing.documents.render import render_with_text_boxes, signature_office_lines

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def flat_text(pdf: bytes) -> str:
    return " ".join(p.flat for p in read_pages(pdf))


def test_text_names_every_party_office_and_the_region(content):
    rendered = render_commitment(content)
    text = flat_text(rendered.pdf)
    placeholders = {f.name: f.placeholder for f in rendered.fields}
    for slot in ALL_SLOTS:
        party = content.party(slot)
        if slot in PARTY_SLOTS:
            assert party.holder_name in text, slot
        # Under each box the empty field shows the expected signer (see the fields test).
        assert placeholders[signature_field_name(slot)] == party.holder_name, slot
        assert party.office_title in text, slot
    assert "Kabupaten Kotawaringin Timur" in text
    assert "GUBERNUR KALIMANTAN TENGAH" in text
    assert "BUPATI KOTAWARINGIN TIMUR" in text
    assert "KETUA DPRD KABUPATEN KOTAWARINGIN TIMUR" in text


def test_text_follows_the_outline(content):
    text = flat_text(render_commitment(content).pdf)
    for phrase in (
        "KOMITMEN BERSAMA",
        "PELAYANAN TERPADU SATU PINTU (PTSP) PRIMA",
        f"NOMOR: {content.document_number}",
        "Pada hari ini Kamis, 24 Oktober 2019, bertempat di Palangka Raya",
        content.event_name,
        "kami yang bertanda tangan di bawah ini",
        "PARA PIHAK",
        "Dasar:",
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
        "bahwa Pelayanan Terpadu Satu Pintu",
        "Demikian Komitmen Bersama ini",
        "Disaksikan oleh:",
        "Paraf Koordinasi",
        "No Jabatan Paraf Tanggal",
    ):
        assert phrase in text, phrase
    # The represented Bupati signs under the Plt. line, with his own office beneath.
    assert "Plt. BUPATI KOTAWARINGIN TIMUR, WAKIL BUPATI, " in text
    # Every commitment point is printed, in order.
    positions = [text.index(p[:60]) for p in content.points]
    assert positions == sorted(positions)


def test_every_page_has_the_footer_and_no_certified_claim(content):
    pages = read_pages(render_commitment(content).pdf)
    assert len(pages) >= 2
    for k, page in enumerate(pages):
        text = page.flat
        assert f"Halaman {k + 1} dari {len(pages)}" in text
        assert f"Kode dokumen: {content.document_code}" in text
        assert "Tanda tangan dan paraf pada dokumen ini dibubuhkan secara elektronik" in text
        # The sealed draft has no signature yet: it claims none.
        assert "ditandatangani secara elektronik" not in text
        assert "CA internal DPMPTSP Provinsi Kalimantan Tengah (tidak tersertifikasi)" in text
        assert content.verification_url in text.replace(" ", "")
        assert "BSrE" not in text
        assert "tersertifikasi" not in text.replace("(tidak tersertifikasi)", "")


def test_same_content_gives_identical_bytes(content):
    first = render_commitment(content)
    second = render_commitment(dataclasses.replace(content))
    assert first.pdf == second.pdf
    assert first.sha256 == second.sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert first.fields == second.fields


def test_identical_bytes_in_a_fresh_process(content):
    # Font subset names and object numbering must not depend on what the process did before.
    render_commitment(make_content(region_name="Seruyan"))
    here = render_commitment(content).sha256
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from doc_builders import make_content;"
        "from signing.documents import render_commitment;"
        "print(render_commitment(make_content()).sha256)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == here


def test_different_content_gives_different_bytes(content):
    other = replace_party(content, "ketua_dprd", holder_name="Ketua Pengganti (Demo)")
    assert render_commitment(content).sha256 != render_commitment(other).sha256


def test_fonts_are_embedded(content):
    pdf = render_commitment(content).pdf
    fonts = re.findall(rb"/BaseFont\s*/([^\s/>]+)", pdf)
    assert fonts
    # A subset tag ("AAAAAA+") marks an embedded subset; a bare name is a non-embedded font.
    assert all(re.fullmatch(rb"[A-Z]{6}\+.+", f) for f in fonts), fonts


def test_pages_are_a4(content):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(render_commitment(content).pdf)
    try:
        for page in doc:
            width, height = page.get_size()
            assert (round(width, 1), round(height, 1)) == (595.3, 841.9)
    finally:
        doc.close()


def test_field_boxes_come_from_the_layout(content):
    fields = {f.name: f for f in render_commitment(content).fields}
    assert list(fields) == list(content.field_names())
    for name, f in fields.items():
        x1, y1, x2, y2 = f.rect
        assert inside((x1, y1, x2, y2), L.FRAME.as_tuple())
        if name.startswith("paraf_"):
            size = (L.PARAF_BOX_WIDTH, L.PARAF_BOX_HEIGHT)
        else:
            size = (L.SIGNATURE_BOX_WIDTH, L.SIGNATURE_BOX_HEIGHT)
        if name.startswith("paraf_"):
            assert x2 - x1 == pytest.approx(size[0], abs=0.02)
            assert y2 - y1 == pytest.approx(size[1], abs=0.02)
        else:
            # A signature field covers its box and the name line under it (the mark prints
            # the person who acted there): at least one 10 pt line more than the box.
            assert size[1] + 10 < y2 - y1 < size[1] + 60
            # ... and the name's cell when it is wider (the witness columns).
            assert size[0] - 0.02 <= x2 - x1 <= L.WITNESS_COL_WIDTH
    # The three parties sign side by side, in one row, left to right.
    row = [fields[signature_field_name(s)] for s in ("gubernur", "kepala_daerah", "ketua_dprd")]
    assert len({f.page for f in row}) == 1
    assert len({f.rect[1] for f in row}) == 1
    assert [f.rect[0] for f in row] == sorted(f.rect[0] for f in row)
    # Witnesses sign below the parties.
    witness = fields["saksi_wakil_gubernur"]
    assert (witness.page, -witness.rect[1]) > (row[0].page, -row[0].rect[1])


def test_paraf_rows_follow_the_signature_order_and_only_given_slots(content):
    two = dataclasses.replace(content, paraf_slots=("ketua_dprd", "kepala_daerah"))
    rendered = render_commitment(two)
    names = [f.name for f in rendered.fields]
    assert names == list(two.field_names())
    assert names[-2:] == ["paraf_kepala_daerah", "paraf_ketua_dprd"]
    assert "paraf_gubernur" not in names
    none = render_commitment(dataclasses.replace(content, paraf_slots=()))
    assert len(none.fields) == 5
    assert "Paraf Koordinasi" not in flat_text(none.pdf)


def _assert_layout_holds(content):
    """No character outside the page's text areas or inside a field box; each office line
    and name of the signature blocks entirely inside its own cell."""
    rendered, texts = render_with_text_boxes(content)
    pages = read_pages(rendered.pdf)
    areas = (L.FRAME, L.FOOTER_TEXT_BOX, L.PAGE_NUMBER_BOX)
    for k, page in enumerate(pages):
        for char in page.chars:
            if char.text.isspace():
                continue
            assert any(inside(char.box, a.as_tuple()) for a in areas), (k, char)
            for f in rendered.fields:
                if f.page == k:
                    assert not overlaps(char.box, f.rect), (f.name, char)
    texts_by_name = {t.name: t for t in texts}
    for slot in ALL_SLOTS:
        party = content.party(slot)
        field = next(f for f in rendered.fields if f.name == signature_field_name(slot))
        width = L.SIGNATURE_COL_WIDTH if slot in PARTY_SLOTS else L.WITNESS_COL_WIDTH
        # The name line under the box belongs to the field: the empty field shows the
        # expected signer there (its placeholder), the act's mark the person who acted.
        name_cell = texts_by_name[f"name:{slot}"]
        assert field.placeholder == party.holder_name
        assert inside(name_cell.rect, field.rect, tolerance=0.01)
        assert field.rect[3] - name_cell.rect[1] > L.SIGNATURE_BOX_HEIGHT + 10
        for kind, expected in (("office", " ".join(signature_office_lines(party))),):
            box = texts_by_name[f"{kind}:{slot}"]
            assert box.page == field.page
            # The cell is the column of the field box, less its padding.
            assert box.rect[0] + box.rect[2] == pytest.approx(
                field.rect[0] + field.rect[2], abs=0.05
            )
            assert box.rect[2] - box.rect[0] == pytest.approx(width - 2 * L.CELL_PADDING, abs=0.02)
            centred = [
                c
                for c in pages[box.page].chars
                if not c.text.isspace() and inside(_centre(c.box), box.rect, tolerance=0)
            ]
            # Every character of the text has its centre in the cell and its box inside it.
            assert "".join(c.text for c in centred) == "".join(expected.split()), (kind, slot)
            for char in centred:
                assert inside(char.box, box.rect, tolerance=0.5), (kind, slot, char)
    return rendered


def _centre(box):
    x = (box[0] + box[2]) / 2
    y = (box[1] + box[3]) / 2
    return (x, y, x, y)


def test_layout_holds_for_the_demo_document(content):
    _assert_layout_holds(content)


@pytest.mark.parametrize("rank", range(4))
def test_longest_region_names_wrap_inside_their_boxes(rank):
    regions = sorted(national_regions(), key=lambda r: -len(r["nama"]))
    row = regions[rank]
    content = content_for_region(row, holder=LONG_PERSON_NAME)
    rendered = _assert_layout_holds(content)
    assert row["nama"] in flat_text(rendered.pdf)


def test_unbreakable_name_is_split_not_overflowing(content):
    long = replace_party(content, "kepala_daerah", holder_name=UNBREAKABLE_NAME)
    long = replace_party(long, "saksi_ketua_dprd_provinsi", holder_name=UNBREAKABLE_NAME)
    _assert_layout_holds(long)


def test_qr_code_decodes_to_the_verification_url(content, zbarimg, tmp_path):
    pdf = render_commitment(content).pdf
    for page in (0, page_count(pdf) - 1):
        png = tmp_path / f"page{page}.png"
        png.write_bytes(page_png(pdf, page, scale=4))
        out = subprocess.run(
            [zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, timeout=60
        )
        assert out.stdout.strip().splitlines() == [content.verification_url], out.stderr


def test_qpdf_finds_no_damage(content, qpdf, tmp_path):
    path = tmp_path / "commitment.pdf"
    path.write_bytes(render_commitment(content).pdf)
    out = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No syntax or stream encoding errors" in out.stdout


def test_preview_renders_each_page_as_png(content):
    pdf = render_commitment(content).pdf
    count = page_count(pdf)
    assert count >= 2
    image = Image.open(io.BytesIO(page_png(pdf, count - 1, scale=1)))
    assert image.format == "PNG"
    assert abs(image.size[0] - L.PAGE_WIDTH) <= 1
    assert abs(image.size[1] - L.PAGE_HEIGHT) <= 1
    # Not blank: the page carries dark text pixels.
    assert image.convert("L").getextrema()[0] < 64
    with pytest.raises(IndexError):
        page_png(pdf, count)


def test_the_paraf_mark_puts_the_date_under_the_tanggal_heading():
    from signing.pades.appearance import PARAF_DATE_SHARE

    # The paraf field spans the Paraf and Tanggal cells; its mark splits where they meet.
    date_width = L.PARAF_BOX_WIDTH - L.PARAF_DIVIDER_X
    assert date_width / L.PARAF_BOX_WIDTH == pytest.approx(PARAF_DATE_SHARE, abs=1e-6)
    assert L.PARAF_DIVIDER_X + L.CELL_PADDING == pytest.approx(L.PARAF_COL_WIDTHS[2])
