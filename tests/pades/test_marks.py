"""The marks of a rendered commitment read on paper: legible, complete, naming who acted.

The Kotawaringin Timur scene: the Wakil Bupati initials for the Bupati without a mandate, the
Bupati signs himself, the others sign and witness. A second copy is signed by the Wakil Bupati
as Plt. under a mandate given after the document was sealed (so the sealed page still prints
the Bupati's name under the block), with a specimen of his handwritten signature.
"""

from __future__ import annotations

import dataclasses
import io

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader

from signing.pades.appearance import MIN_FONT_SIZE, PARAF_DATE_SHARE, text_width
from signing.pades.fields import add_signature_fields, list_signature_fields
from signing.pades.sign import (
    ActKind,
    Appearance,
    add_document_timestamp,
    apply_act,
    initials,
    seal_document,
)
from signing.pades.signers import InternalKeySigner
from signing.pades.verify import verify_pdf
from signing.specimens import prepare_specimen

from .conftest import SIGNED_AT, make_official
from .pdf_helpers import (
    content_operations,
    pdfsig_blocks,
    text_in_area,
    text_in_field,
    widget_texts,
)

documents = pytest.importorskip("signing.documents")
doc_builders = pytest.importorskip("tests.documents.doc_builders")
layout = pytest.importorskip("signing.documents.layout")

BUPATI = "H. Halikinnor"
WAKIL = "H.M. Taufik Mukri"
CODE = "KB-PTSP-2019-6202-V1"

#: field -> Appearance of the complete Kotawaringin Timur copy, in the order of the acts.
SCENE = [
    (
        "paraf_kepala_daerah",
        ActKind.PARAF,
        Appearance(
            WAKIL,
            "Wakil Bupati Kotawaringin Timur",
            on_behalf="Bupati (tanpa mandat)",
            signed_at=SIGNED_AT,
        ),
    ),
    (
        "ttd_gubernur",
        ActKind.SIGN,
        Appearance("Gubernur Contoh (Demo)", "Gubernur Kalimantan Tengah", signed_at=SIGNED_AT),
    ),
    (
        "ttd_ketua_dprd",
        ActKind.SIGN,
        Appearance("Dra. Rinie", "Ketua DPRD Kabupaten Kotawaringin Timur", signed_at=SIGNED_AT),
    ),
    (
        "saksi_wakil_gubernur",
        ActKind.WITNESS,
        Appearance(
            "Wakil Gubernur Contoh (Demo)",
            "Wakil Gubernur Kalimantan Tengah",
            witnessed="paraf Wakil Bupati Kotawaringin Timur",
            signed_at=SIGNED_AT,
        ),
    ),
    (
        "saksi_ketua_dprd_provinsi",
        ActKind.WITNESS,
        Appearance(
            "Ketua DPRD Provinsi Contoh (Demo)",
            "Ketua DPRD Provinsi Kalimantan Tengah",
            witnessed="paraf Wakil Bupati Kotawaringin Timur",
            signed_at=SIGNED_AT,
        ),
    ),
    (
        "ttd_kepala_daerah",
        ActKind.SIGN,
        Appearance(BUPATI, "Bupati Kotawaringin Timur", signed_at=SIGNED_AT),
    ),
]


def specimen_png() -> bytes:
    """A scanned-looking signature: dark strokes on off-white paper, as a JPEG."""
    image = Image.new("RGB", (480, 200), (246, 244, 238))
    draw = ImageDraw.Draw(image)
    draw.line([(30, 150), (120, 40), (170, 160), (260, 50), (330, 150), (450, 70)], (20, 30, 90), 9)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return prepare_specimen(out.getvalue())[0]


def _content():
    content = doc_builders.make_content()
    holder = doc_builders.replace_party(content, "kepala_daerah", holder_name=BUPATI)
    party = dataclasses.replace(holder.kepala_daerah, capacity_line=None, acting_office_title=None)
    return dataclasses.replace(holder, kepala_daerah=party)


def _sealed(ca, timestamper, make_vc) -> bytes:
    rendered = documents.render_commitment(_content())
    pdf = add_signature_fields(rendered.pdf, rendered.fields)
    return seal_document(
        pdf,
        InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain),
        timestamper,
        validation_context=make_vc(),
    )


def _act(pdf, ca, timestamper, make_vc, field, kind, appearance):
    # A certificate name has at most 64 characters; the mark shows the full name.
    official = make_official(ca, appearance.name[:60], appearance.office[:60])
    return apply_act(
        pdf,
        field_name=field,
        kind=kind,
        signer=official.signer(ca),
        appearance=dataclasses.replace(appearance, document_code=CODE),
        timestamper=timestamper,
        validation_context=make_vc(),
    )


@pytest.fixture(scope="module")
def revisions(ca, timestamper, make_vc) -> list[bytes]:
    """Every revision of the complete Kotawaringin Timur copy: sealed, six acts, B-LTA."""
    pdfs = [_sealed(ca, timestamper, make_vc)]
    for field, kind, appearance in SCENE:
        pdfs.append(_act(pdfs[-1], ca, timestamper, make_vc, field, kind, appearance))
    pdfs.append(add_document_timestamp(pdfs[-1], timestamper, make_vc()))
    return pdfs


@pytest.fixture(scope="module")
def complete(revisions) -> bytes:
    return revisions[-1]


@pytest.fixture(scope="module")
def paraf_only(revisions) -> bytes:
    return revisions[1]


@pytest.fixture(scope="module")
def plt_signed(ca, timestamper, make_vc) -> bytes:
    """The Wakil Bupati signs the Bupati's slot as Plt., with his specimen."""
    appearance = Appearance(
        WAKIL,
        "Wakil Bupati Kotawaringin Timur",
        capacity_line="Plt. Bupati Kotawaringin Timur",
        signed_at=SIGNED_AT,
        specimen=specimen_png(),
    )
    sealed = _sealed(ca, timestamper, make_vc)
    return _act(sealed, ca, timestamper, make_vc, "ttd_kepala_daerah", ActKind.SIGN, appearance)


def _signed(pdf: bytes) -> set[str]:
    return {s.field_name for s in PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures}


def _field(pdf: bytes, name: str):
    return next(f for f in list_signature_fields(pdf) if f.name == name)


def _text_in(pdf: bytes, field_name: str) -> str:
    return text_in_field(pdf, field_name)


def test_paraf_row_says_who_initialled_for_whom_and_when(complete):
    text = _text_in(complete, "paraf_kepala_daerah")
    assert "TM" in text
    assert (
        "diparaf oleh H.M. Taufik Mukri, Wakil Bupati Kotawaringin Timur, mewakili Bupati "
        "(tanpa mandat)" in text
    )
    # The date stands in the Tanggal column: the right part of the field.
    field = _field(complete, "paraf_kepala_daerah")
    x1, y1, x2, y2 = field.rect
    split = x2 - (x2 - x1) * PARAF_DATE_SHARE
    tanggal = text_in_area(complete, field.page, (split, y1, x2, y2))
    assert "29-11-2026" in tanggal and "10:15 WIB" in tanggal
    assert "Taufik" not in tanggal


def test_whole_copy_names_the_deputy_in_the_paraf_table_and_the_bupati_in_his_block(complete):
    paraf = _text_in(complete, "paraf_kepala_daerah")
    assert "Taufik Mukri" in paraf and "Wakil Bupati" in paraf
    block = _text_in(complete, "ttd_kepala_daerah")
    assert "Ditandatangani secara elektronik oleh" in block
    assert "BUPATI KOTAWARINGIN TIMUR," in block and BUPATI in block
    assert "29-11-2026 10:15 WIB" in block and f"Kode verifikasi {CODE}" in block
    assert WAKIL not in block
    witness = _text_in(complete, "saksi_wakil_gubernur")
    assert witness == (
        f"Kode verifikasi {CODE} 29-11-2026 10:15 WIB Saksi atas paraf Wakil Bupati "
        "Kotawaringin Timur WAKIL GUBERNUR KALIMANTAN TENGAH, Wakil Gubernur Contoh (Demo)"
    )


def _name_line(pdf: bytes, field_name: str) -> str:
    """pdftotext of the part of a signature field under its box: the block's name line."""
    field = _field(pdf, field_name)
    x1, y1, x2, y2 = field.rect
    assert y2 - y1 > layout.SIGNATURE_BOX_HEIGHT + 10
    return text_in_area(pdf, field.page, (x1, y1, x2, y2 - layout.SIGNATURE_BOX_HEIGHT))


def test_a_plt_is_printed_under_the_block_in_official_form(ca, timestamper, make_vc, plt_signed):
    block = _text_in(plt_signed, "ttd_kepala_daerah")
    assert block.endswith(
        "Ditandatangani secara elektronik oleh Plt. BUPATI KOTAWARINGIN TIMUR, "
        "WAKIL BUPATI KOTAWARINGIN TIMUR, H.M. Taufik Mukri"
    )
    # The sealed draft showed the Bupati (the holder when it was sealed) on the name line;
    # signed by the Plt., the line names the Plt. and the Bupati appears nowhere in the block.
    sealed = _sealed(ca, timestamper, make_vc)
    assert _name_line(sealed, "ttd_kepala_daerah") == BUPATI
    assert WAKIL in _name_line(plt_signed, "ttd_kepala_daerah")
    assert BUPATI not in block


def test_the_bupati_signing_himself_is_named_on_his_name_line(complete):
    assert _name_line(complete, "ttd_kepala_daerah") == BUPATI


def test_no_mark_draws_text_below_7_pt(complete, plt_signed):
    for pdf in (complete, plt_signed):
        texts = widget_texts(pdf)
        # The seal is invisible (a zero-size widget): it has no mark to read.
        signed = _signed(pdf) - {"Segel"}
        assert signed <= set(texts)
        for name in signed:
            assert texts[name], name
            for text, size in texts[name]:
                assert size >= MIN_FONT_SIZE - 1e-6, (name, text, size)
    assert {field for field, _kind, _a in SCENE} <= _signed(complete)


def _with_appearance(content: bytes, bbox: tuple[int, int, int, int]) -> bytes:
    """A one-field PDF whose widget shows ``content`` (an appearance drawn by someone else)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    from .pdf_helpers import commitment_pdf

    writer = IncrementalPdfFileWriter(io.BytesIO(commitment_pdf([("f", (100, 100, 200, 150))])))
    font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        }
    )
    stream = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, bbox)),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/F"): font})}
            ),
        },
        stream_data=content,
    )
    field_ref = writer.root["/AcroForm"]["/Fields"][0]
    field = field_ref.get_object()
    field[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(stream)})
    writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "bbox", "expected"),
    [
        (b"BT /F 9 Tf 5 5 Td (a) Tj ET", (0, 0, 100, 50), 9.0),
        # A cm halves it, a text matrix doubles it again.
        (b"q 0.5 0 0 0.5 0 0 cm BT /F 9 Tf 2 0 0 2 5 5 Tm (a) Tj ET Q", (0, 0, 100, 50), 9.0),
        (b"q 0.5 0 0 0.5 0 0 cm BT /F 12 Tf 5 5 Td (a) Tj ET Q", (0, 0, 100, 50), 6.0),
        # A /BBox twice the widget's /Rect: the appearance is shrunk to half onto the page.
        (b"BT /F 12 Tf 5 5 Td (a) Tj ET", (0, 0, 200, 100), 6.0),
    ],
)
def test_the_size_reader_measures_through_every_matrix(content, bbox, expected):
    [(text, size)] = widget_texts(_with_appearance(content, bbox))["f"]
    assert text == "a"
    assert size == pytest.approx(expected)


def _dark_fraction(image: Image.Image, rect, page_height: float, scale: float) -> float:
    x1, y1, x2, y2 = rect
    box = (
        int(x1 * scale) + 2,
        int((page_height - y2) * scale) + 2,
        int(x2 * scale) - 2,
        int((page_height - y1) * scale) - 2,
    )
    crop = image.crop(box).convert("L")
    dark = sum(crop.histogram()[:128])
    return dark / (crop.width * crop.height)


def _page_images(pdf: bytes, scale: float = 2.0) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        doc.init_forms()
        return [page.render(scale=scale, may_draw_forms=True).to_pil() for page in doc]
    finally:
        doc.close()


@pytest.mark.parametrize("which", ["complete", "paraf_only", "plt_signed"])
def test_every_filled_box_is_visibly_filled_and_the_empty_ones_are_empty(request, which):
    pdf = request.getfixturevalue(which)
    images = _page_images(pdf)
    height = documents.layout.PAGE_HEIGHT
    fields = [f for f in list_signature_fields(pdf) if f.rect[2] > f.rect[0]]
    signed = _signed(pdf)
    assert fields
    for field in fields:
        dark = _dark_fraction(images[field.page], field.rect, height, 2.0)
        if field.name in signed:
            assert dark > 0.02, (which, field.name, dark)
        elif field.name.startswith("paraf_"):
            # Only the rule between the Paraf and Tanggal cells.
            assert dark < 0.01, (which, field.name, dark)


def _images_drawn(pdf: bytes, field_name: str) -> list[tuple[tuple[float, ...], object]]:
    """(cm operands, image XObject) of every image the field's mark draws."""
    reader = PdfFileReader(io.BytesIO(pdf))
    field = next(
        r.get_object()
        for r in reader.root["/AcroForm"]["/Fields"]
        if r.get_object()["/T"] == field_name
    )
    found = []

    def walk(stream):
        xobjects = stream.get("/Resources", {}).get("/XObject", {})
        matrix: tuple[float, ...] = ()
        for op, args in content_operations(stream.data):
            if op == "cm":
                matrix = tuple(args)
            elif op == "Do":
                child = xobjects[args[0]].get_object()
                if child["/Subtype"] == "/Image":
                    found.append((matrix, child))
                else:
                    walk(child)

    walk(field["/AP"]["/N"].get_object())
    return found


def test_the_specimen_is_drawn_beside_the_text_with_a_transparent_background(plt_signed, complete):
    field = _field(plt_signed, "ttd_kepala_daerah")
    width = field.rect[2] - field.rect[0]
    [(matrix, image)] = _images_drawn(plt_signed, "ttd_kepala_daerah")
    w, _b, _c, h, x, y = matrix
    assert x >= 3 and x + w <= width * 0.4 and w > 40 and h > 10
    assert "/SMask" in image
    # Without a specimen, the text block alone.
    assert _images_drawn(complete, "ttd_kepala_daerah") == []
    # On the page the left part of the mark carries the ink of the specimen.
    images = _page_images(plt_signed)
    x1, y1, _x2, y2 = field.rect
    dark = _dark_fraction(images[field.page], (x1 + x, y1, x1 + x + w, y2), layout.PAGE_HEIGHT, 2.0)
    assert dark > 0.01


def test_every_revision_still_validates(ca, revisions, plt_signed):
    for pdf in [*revisions[1:], plt_signed]:
        report = verify_pdf(pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
        assert report.valid, report.problems


def test_every_revision_passes_pdfsig(revisions, plt_signed, nss_db, tmp_path):
    # Seal + k acts; the B-LTA time stamp is no CAdES signature; the Plt. copy: seal + one.
    expected = [2 + k for k in range(len(SCENE))] + [1 + len(SCENE), 2]
    for k, pdf in enumerate([*revisions[1:], plt_signed]):
        path = tmp_path / f"komitmen{k}.pdf"
        path.write_bytes(pdf)
        blocks = pdfsig_blocks(path, nss_db)
        signed = {
            n: b for n, b in blocks.items() if b.get("Signature Type") == "ETSI.CAdES.detached"
        }
        assert len(signed) == expected[k], k
        for name, info in signed.items():
            assert info["Signature Validation"] == "Signature is Valid.", (k, name)
            assert info["Certificate Validation"] == "Certificate is Trusted.", (k, name)


LONG_NAME = (
    "Prof. Dr. Ir. H. Muhammad Abdurrahman Wahidin Kusumaningrat Prawiranegara Setiabudi "
    "Hadiningrat Sastrowardoyo, S.H., M.Hum., M.Si., M.Kn. (Demo)"
)


@pytest.mark.parametrize("specimen", [False, True])
def test_a_very_long_name_stays_legible_and_inside_the_box(ca, timestamper, make_vc, specimen):
    appearance = Appearance(
        LONG_NAME,
        "Wakil Ketua Dewan Perwakilan Rakyat Daerah Kabupaten Kotawaringin Timur",
        capacity_line="a.n. Ketua Dewan Perwakilan Rakyat Daerah Kabupaten Kotawaringin Timur",
        signed_at=SIGNED_AT,
        specimen=specimen_png() if specimen else None,
    )
    pdf = _sealed(ca, timestamper, make_vc)
    pdf = _act(pdf, ca, timestamper, make_vc, "ttd_ketua_dprd", ActKind.SIGN, appearance)
    pdf = _act(pdf, ca, timestamper, make_vc, "paraf_ketua_dprd", ActKind.PARAF, appearance)
    texts = widget_texts(pdf, origins=True)
    for field_name in ("ttd_ketua_dprd", "paraf_ketua_dprd"):
        x1, y1, x2, y2 = _field(pdf, field_name).rect
        drawn = texts[field_name]
        for text, size, x, y in drawn:
            assert size >= MIN_FONT_SIZE, (field_name, text, size)
            bold = text_width(text, size, True)
            # Every line starts and ends at least 3 pt inside the box (bold is the wider face).
            assert x >= 3 and x + min(bold, text_width(text, size)) <= (x2 - x1) - 3, text
            assert 3 <= y <= (y2 - y1) - size, (text, y)
        words = " ".join(t for t, *_ in drawn).split()
        if field_name.startswith("ttd_"):
            # The whole name is drawn: it is the last thing a mark may lose.
            assert " ".join(words).endswith(LONG_NAME)
        else:
            assert initials(LONG_NAME) == "MAW" and "MAW" in words
            assert "29-11-2026" in words
