"""Render a commitment to PDF with reportlab, recording where every signature box lands.

The PDF has no form fields: reportlab cannot make signature fields. The recorded
:class:`FieldBox` list is handed to :func:`signing.pades.fields.add_signature_fields`, which
creates them in one incremental revision before anything is signed.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from functools import partial
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from . import layout as L
from .content import (
    PARTY_SLOTS,
    CommitmentContent,
    Party,
    format_hari_tanggal,
    paraf_field_name,
    signature_field_name,
)
from .layout import FieldBox, FieldSpot, NameSpot, TextSpot

__all__ = ["DocumentLayoutError", "FieldBox", "RenderedDocument", "render_commitment"]

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
FONT_ITALIC = "Vera-Italic"
FONT_BOLD_ITALIC = "Vera-BoldItalic"

QR_FORM = "verification_qr"


class DocumentLayoutError(ValueError):
    """The content does not fit the layout (e.g. a footer URL too long for its box)."""


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered commitment: PDF bytes (no fields yet), the field boxes, and the PDF's SHA-256."""

    pdf: bytes
    fields: tuple[FieldBox, ...]
    sha256: str


def _register_fonts() -> None:
    # Vera ships inside reportlab, so output never depends on the host's fonts.
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, filename in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (FONT_BOLD_ITALIC, "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(font_dir, filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


_register_fonts()


def _style(name: str, **kw: object) -> ParagraphStyle:
    base = {
        "fontName": FONT,
        "bulletFontName": FONT,
        "fontSize": 10,
        "leading": 14,
        "splitLongWords": 1,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


S_HEADING = _style("heading", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
S_TITLE = _style("title", fontName=FONT_BOLD, fontSize=11, leading=15, alignment=TA_CENTER)
S_NUMBER = _style("number", alignment=TA_CENTER, spaceBefore=6)
S_BODY = _style("body", alignment=TA_JUSTIFY, spaceBefore=6)
S_SECTION = _style("section", fontName=FONT_BOLD, spaceBefore=10, spaceAfter=2)
S_LIST = _style("list", alignment=TA_JUSTIFY, leftIndent=8 * mm, bulletIndent=0, spaceBefore=2)
S_CELL = _style("cell", alignment=TA_LEFT)
S_CELL_JUSTIFY = _style("cell_justify", alignment=TA_JUSTIFY)
S_SIG_OFFICE = _style("sig_office", fontName=FONT_BOLD, alignment=TA_CENTER, leading=13)
S_SIG_NAME = _style("sig_name", fontName=FONT_BOLD, alignment=TA_CENTER, leading=13)
S_SIG_NIP = _style("sig_nip", fontSize=9, alignment=TA_CENTER, leading=12)
S_CENTER_BOLD = _style("center_bold", fontName=FONT_BOLD, alignment=TA_CENTER, spaceBefore=12)
S_TABLE_HEAD = _style("table_head", fontName=FONT_BOLD, fontSize=9, alignment=TA_CENTER)
S_TABLE_CELL = _style("table_cell", fontSize=9, leading=12)
S_TABLE_CENTER = _style("table_center", fontSize=9, leading=12, alignment=TA_CENTER)
S_PAGE_NUMBER = _style("page_number", fontSize=8, leading=10, alignment=TA_RIGHT)

_KEEP_UPPER = frozenset({"DPRD", "RI", "PTSP", "DPMPTSP", "KPK", "II", "III", "IV", "VI"})
_KEEP_LOWER = frozenset({"dan", "di", "ke", "dari"})
_CAPACITY_PHRASES = {
    "plt.": "selaku Pelaksana Tugas (Plt.)",
    "plh.": "selaku Pelaksana Harian (Plh.)",
    "a.n.": "atas nama (a.n.)",
}
_ORDINALS = ("KESATU", "KEDUA", "KETIGA")


def _x(text: str) -> str:
    """Escape content for reportlab's paragraph markup."""
    return escape(text, {'"': "&quot;"})


def office_in_sentence(title: str) -> str:
    """Office in running text: ``KETUA DPRD KABUPATEN X`` -> ``Ketua DPRD Kabupaten X``."""
    words = []
    for i, word in enumerate(title.split()):
        if word.upper() in _KEEP_UPPER:
            words.append(word.upper())
        elif i and word.lower() in _KEEP_LOWER:
            words.append(word.lower())
        else:
            words.append("-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")))
    return " ".join(words)


def party_role(party: Party) -> str:
    """The party's office as a phrase, naming the stand-in's capacity when represented."""
    office = office_in_sentence(party.office_title)
    if not party.represented:
        return office
    capacity = (party.capacity_line or "").strip()
    if capacity:
        phrase = _CAPACITY_PHRASES.get(capacity.lower(), f"selaku {capacity}")
        role = f"{phrase} {office}"
    else:
        role = f"mewakili {office}"
    if party.acting_office_title:
        return f"{office_in_sentence(party.acting_office_title)} {role}"
    return role


def signature_office_lines(party: Party) -> list[str]:
    """Office lines above the signature box: ``Plt. BUPATI X,`` / ``WAKIL BUPATI,``."""
    first = party.office_title.strip()
    if party.capacity_line:
        first = f"{party.capacity_line.strip()} {first}"
    lines = [f"{first},"]
    if party.acting_office_title:
        lines.append(f"{party.acting_office_title.strip()},")
    return lines


def _punctuated(items: tuple[str, ...], *, last: str, conjunction: bool) -> list[str]:
    # Indonesian legal lists end items with ";", the penultimate with "; dan", the last with ".".
    cleaned = [item.strip().rstrip(";.,") for item in items]
    out = []
    for k, text in enumerate(cleaned):
        if k == len(cleaned) - 1:
            out.append(text + last)
        elif conjunction and k == len(cleaned) - 2:
            out.append(text + "; dan")
        else:
            out.append(text + ";")
    return out


class _Spots:
    """Makes the boxes of the story: recording ones, or plain spacers for the bare rendering."""

    def __init__(self, fields: list[FieldBox] | None, texts: list[FieldBox] | None = None) -> None:
        self.fields = fields
        self.texts = texts

    def field(
        self, name: str, width: float, height: float, divider_at: float | None = None
    ) -> Flowable:
        if self.fields is None and divider_at is None:
            return Spacer(width, height)
        return FieldSpot(name, width, height, self.fields, divider_at)

    def text(self, name: str, paragraph: Paragraph) -> Flowable:
        if self.texts is None:
            return paragraph
        return TextSpot(name, paragraph, self.texts)

    def name(self, slot: str, paragraph: Paragraph, placeholder: str) -> Flowable:
        """The name line under ``slot``'s signature box, which that box's field covers."""
        if self.fields is None:
            return paragraph
        return NameSpot(
            signature_field_name(slot),
            paragraph,
            self.fields,
            self.texts,
            f"name:{slot}",
            placeholder=placeholder,
        )


def _story(content: CommitmentContent, spots: _Spots) -> list[Flowable]:
    c = content
    story: list[Flowable] = [
        Paragraph(f"GUBERNUR {_x(c.province_name.upper())}", S_HEADING),
        Spacer(0, 8 * mm),
    ]
    title_lines = [
        "KOMITMEN BERSAMA",
        "PEMBENTUKAN DAN PENYELENGGARAAN",
        "PELAYANAN TERPADU SATU PINTU (PTSP) PRIMA",
        "ANTARA",
        f"{c.gubernur.office_title},",
        f"{c.kepala_daerah.office_title},",
        "DAN",
        c.ketua_dprd.office_title,
    ]
    story += [Paragraph(_x(line), S_TITLE) for line in title_lines]
    story.append(Paragraph(f"NOMOR: {_x(c.document_number)}", S_NUMBER))
    story.append(Spacer(0, 4 * mm))

    story.append(
        Paragraph(
            f"Pada hari ini {_x(format_hari_tanggal(c.event_date))}, bertempat di "
            f"{_x(c.event_place)}, dalam acara {_x(c.event_name)}, kami yang bertanda tangan "
            "di bawah ini:",
            S_BODY,
        )
    )
    acting_for = {
        "gubernur": f"Pemerintah Provinsi {c.province_name}",
        "kepala_daerah": f"Pemerintah {c.region_label}",
        "ketua_dprd": f"Dewan Perwakilan Rakyat Daerah {c.region_label}",
    }
    rows = []
    for k, party in enumerate(c.parties):
        rows += [
            [f"{k + 1}.", "Nama", ":", Paragraph(f"<b>{_x(party.holder_name)}</b>", S_CELL)],
            ["", "Jabatan", ":", Paragraph(_x(party_role(party)), S_CELL)],
            [
                "",
                Paragraph(
                    "dalam hal ini bertindak untuk dan atas nama "
                    f"{_x(acting_for[party.slot])}, selanjutnya disebut "
                    f"<b>PIHAK {_ORDINALS[k]}</b>.",
                    S_CELL_JUSTIFY,
                ),
                "",
                "",
            ],
        ]
    parties_table = Table(
        rows,
        colWidths=(8 * mm, 20 * mm, 4 * mm, L.FRAME_WIDTH - 32 * mm),
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
            + [("SPAN", (1, 3 * k + 2), (3, 3 * k + 2)) for k in range(3)]
            + [("BOTTOMPADDING", (0, 3 * k + 2), (-1, 3 * k + 2), 5) for k in range(3)]
        ),
        hAlign="LEFT",
    )
    story += [Spacer(0, 2 * mm), parties_table]
    story.append(
        Paragraph(
            "PIHAK KESATU, PIHAK KEDUA, dan PIHAK KETIGA selanjutnya secara bersama-sama "
            "disebut <b>PARA PIHAK</b>.",
            S_BODY,
        )
    )

    story.append(Paragraph("Dasar:", S_SECTION))
    for k, text in enumerate(_punctuated(c.legal_bases, last=".", conjunction=False)):
        story.append(Paragraph(_x(text), S_LIST, bulletText=f"{k + 1}."))
    story.append(Paragraph("Menimbang:", S_SECTION))
    for k, text in enumerate(_punctuated(c.considerations, last=".", conjunction=False)):
        story.append(Paragraph(_x(text), S_LIST, bulletText=f"{chr(ord('a') + k % 26)}."))

    story.append(
        Paragraph(
            "Dengan ini <b>PARA PIHAK</b> menyatakan komitmen bersama untuk membentuk dan "
            "menyelenggarakan Pelayanan Terpadu Satu Pintu (PTSP) Prima di "
            f"{_x(c.region_label)}, yaitu:",
            S_BODY,
        )
    )
    for k, text in enumerate(_punctuated(c.points, last=".", conjunction=True)):
        story.append(Paragraph(_x(text), S_LIST, bulletText=f"{k + 1}."))

    closing = Paragraph(
        # True from the sealed draft on: it says how the parties sign, not that they have.
        "Demikian Komitmen Bersama ini dibuat untuk dilaksanakan dengan penuh tanggung jawab "
        "oleh <b>PARA PIHAK</b>. Tanda tangan <b>PARA PIHAK</b> dan para saksi dibubuhkan "
        "secara elektronik pada kotak di bawah ini; setiap kotak yang telah ditandatangani "
        "memuat nama penanda tangan serta tanggal dan waktu penandatanganannya.",
        S_BODY,
    )
    story.append(KeepTogether([closing, Spacer(0, 6 * mm), _signature_table(c, spots)]))
    story.append(
        KeepTogether(
            [
                Paragraph("Disaksikan oleh:", S_CENTER_BOLD),
                Spacer(0, 2 * mm),
                _witness_table(c, spots),
            ]
        )
    )
    if c.paraf_slots:
        story.append(
            KeepTogether(
                [
                    Paragraph("Paraf Koordinasi", S_SECTION),
                    Spacer(0, 1 * mm),
                    _paraf_table(c, spots),
                ]
            )
        )
    return story


def _signature_block_rows(
    parties: tuple[Party, ...], boxes: list[Flowable], spots: _Spots
) -> list[list[object]]:
    offices = [
        spots.text(
            f"office:{p.slot}",
            Paragraph("<br/>".join(_x(line) for line in signature_office_lines(p)), S_SIG_OFFICE),
        )
        for p in parties
    ]
    names = [
        spots.name(p.slot, Paragraph(_x(p.holder_name), S_SIG_NAME), p.holder_name) for p in parties
    ]
    rows: list[list[object]] = [offices, boxes, names]
    if any(p.nip for p in parties):
        rows.append([Paragraph(f"NIP. {_x(p.nip)}" if p.nip else "", S_SIG_NIP) for p in parties])
    return rows


_BLOCK_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
        # Names on one line across the row, so their fields (box + name) end level.
        ("VALIGN", (0, 2), (-1, 2), "BOTTOM"),
    ]
)


def _signature_table(c: CommitmentContent, spots: _Spots) -> Table:
    boxes = [
        spots.field(signature_field_name(p.slot), L.SIGNATURE_BOX_WIDTH, L.SIGNATURE_BOX_HEIGHT)
        for p in c.parties
    ]
    return Table(
        _signature_block_rows(c.parties, boxes, spots),
        colWidths=(L.SIGNATURE_COL_WIDTH,) * L.SIGNATURE_COLUMNS,
        style=_BLOCK_STYLE,
    )


def _witness_table(c: CommitmentContent, spots: _Spots) -> Table:
    boxes = [
        spots.field(signature_field_name(w.slot), L.WITNESS_BOX_WIDTH, L.WITNESS_BOX_HEIGHT)
        for w in c.witnesses
    ]
    return Table(
        _signature_block_rows(c.witnesses, boxes, spots),
        colWidths=(L.WITNESS_COL_WIDTH,) * L.WITNESS_COLUMNS,
        style=_BLOCK_STYLE,
    )


def _paraf_table(c: CommitmentContent, spots: _Spots) -> Table:
    rows: list[list[object]] = [
        [Paragraph(h, S_TABLE_HEAD) for h in ("No", "Jabatan", "Paraf", "Tanggal")]
    ]
    for k, slot in enumerate(sorted(c.paraf_slots, key=PARTY_SLOTS.index)):
        party = c.party(slot)
        rows.append(
            [
                Paragraph(f"{k + 1}.", S_TABLE_CENTER),
                Paragraph(
                    f"{_x(party_role(party))}<br/><font size=8>{_x(party.holder_name)}</font>",
                    S_TABLE_CELL,
                ),
                # One field over the Paraf and Tanggal cells (spanned below).
                spots.field(
                    paraf_field_name(slot),
                    L.PARAF_BOX_WIDTH,
                    L.PARAF_BOX_HEIGHT,
                    divider_at=L.PARAF_DIVIDER_X,
                ),
                "",
            ]
        )
    spans = [("SPAN", (2, row), (3, row)) for row in range(1, len(rows))]
    return Table(
        rows,
        colWidths=L.PARAF_COL_WIDTHS,
        repeatRows=1,
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
                ("BOTTOMPADDING", (0, 0), (-1, -1), L.CELL_PADDING),
                *spans,
            ]
        ),
    )


@dataclass(frozen=True)
class _Footer:
    document_code: str
    verification_url: str
    province_name: str
    pdf_date: str


class _FooterCanvas(Canvas):
    """Canvas that holds pages back until the end to print "Halaman x dari y" on each."""

    def __init__(self, *args: object, footer: _Footer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages: list[dict[str, object]] = []
        date = footer.pdf_date
        # invariant=1 would stamp 2000-01-01; the event date is as stable and more truthful.
        self.setDateFormatter(lambda *_: date)

    def showPage(self) -> None:  # noqa: N802
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        notice = self._notice()
        for k, state in enumerate(self._held_pages):
            self.__dict__.update(state)
            if k == 0:
                self._define_qr_form()
            self._draw_footer(k + 1, total, notice)
            super().showPage()
        super().save()

    def _define_qr_form(self) -> None:
        # The QrCode flowable draws bare rectangles; renderPDF would also select Helvetica.
        code = QrCode(self._footer.verification_url, width=L.QR_SIZE, height=L.QR_SIZE, qrLevel="M")
        code.wrap(L.QR_SIZE, L.QR_SIZE)
        self.beginForm(QR_FORM)
        code.drawOn(self, L.QR_BOX.x1, L.QR_BOX.y1)
        self.endForm()

    def _notice(self) -> Paragraph:
        f = self._footer
        text = (
            f"<b>Kode dokumen: {_x(f.document_code)}</b><br/>"
            # Printed on the sealed draft too, so it describes how signatures are applied
            # rather than claiming any.
            "Tanda tangan dan paraf pada dokumen ini dibubuhkan secara elektronik dengan "
            "sertifikat elektronik yang diterbitkan oleh CA internal DPMPTSP Provinsi "
            f"{_x(f.province_name)} (tidak tersertifikasi). Keaslian, keutuhan dan status "
            "penandatanganan dokumen dapat diperiksa dengan memindai kode QR atau melalui "
            f"{_x(f.verification_url)}"
        )
        box = L.FOOTER_TEXT_BOX
        for size in (7, 6.5, 6, 5.5, 5):
            para = Paragraph(
                text, _style("footer", fontSize=size, leading=size * 1.3, alignment=TA_LEFT)
            )
            _, height = para.wrap(box.width, box.height)
            if height <= box.height:
                return para
        raise DocumentLayoutError(
            f"Teks kaki halaman dokumen {f.document_code} tidak muat: alamat verifikasi terlalu "
            "panjang."
        )

    def _draw_footer(self, page: int, total: int, notice: Paragraph) -> None:
        self.saveState()
        self.setStrokeColor(colors.Color(0.4, 0.4, 0.4))
        self.setLineWidth(0.5)
        self.line(L.FRAME.x1, L.FOOTER_RULE_Y, L.FRAME.x2, L.FOOTER_RULE_Y)
        self.doForm(QR_FORM)
        box = L.FOOTER_TEXT_BOX
        notice.drawOn(self, box.x1, box.y2 - notice.height)
        number = Paragraph(f"Halaman {page} dari {total}", S_PAGE_NUMBER)
        _, height = number.wrap(L.PAGE_NUMBER_BOX.width, L.PAGE_NUMBER_BOX.height)
        number.drawOn(self, L.PAGE_NUMBER_BOX.x1, L.PAGE_NUMBER_BOX.y2 - height)
        self.restoreState()


def _build(content: CommitmentContent, spots: _Spots) -> bytes:
    """Lay out and draw the document, recording boxes as ``spots`` says."""
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(L.PAGE_WIDTH, L.PAGE_HEIGHT),
        leftMargin=L.FRAME.x1,
        rightMargin=L.PAGE_WIDTH - L.FRAME.x2,
        topMargin=L.PAGE_HEIGHT - L.FRAME.y2,
        bottomMargin=L.FRAME.y1,
        invariant=1,
        title=f"Komitmen Bersama PTSP Prima - {content.region_label}",
        author=f"Gubernur {content.province_name}",
        subject=f"{content.document_code} / {content.document_number}",
        creator=f"DPMPTSP Provinsi {content.province_name}",
        lang="id-ID",
        # Otherwise every page names an unembedded Helvetica as its starting font.
        initialFontName=FONT,
        initialFontSize=10,
        initialLeading=14,
    )
    frame = Frame(
        L.FRAME.x1,
        L.FRAME.y1,
        L.FRAME.width,
        L.FRAME.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    footer = _Footer(
        document_code=content.document_code,
        verification_url=content.verification_url,
        province_name=content.province_name,
        pdf_date=f"D:{content.event_date:%Y%m%d}",
    )
    try:
        doc.build(_story(content, spots), canvasmaker=partial(_FooterCanvas, footer=footer))
    except LayoutError as exc:
        raise DocumentLayoutError(
            f"Tata letak dokumen {content.region_label} tidak muat: {exc}"
        ) from exc
    return out.getvalue()


def render_commitment(content: CommitmentContent) -> RenderedDocument:
    """Render ``content`` to an A4 PDF and return it with the box of every signature field.

    Deterministic: the same content gives the same bytes (and SHA-256).
    """
    return _render(content, None)


def _render(content: CommitmentContent, texts: list[FieldBox] | None) -> RenderedDocument:
    recorder: list[FieldBox] = []
    pdf = _build(content, _Spots(recorder, texts))
    names = [box.name for box in recorder]
    expected = content.field_names()
    if sorted(names) != sorted(expected):
        # A box drawn twice or never would put a field in the wrong place: refuse.
        raise DocumentLayoutError(
            f"Kotak tanda tangan dokumen {content.region_label} tidak lengkap: "
            f"tergambar {names}, seharusnya {list(expected)}"
        )
    return RenderedDocument(pdf=pdf, fields=tuple(recorder), sha256=hashlib.sha256(pdf).hexdigest())


def render_bare(content: CommitmentContent) -> bytes:
    """The same layout without recording any box: the benchmark's reference rendering."""
    return _build(content, _Spots(None))


def render_with_text_boxes(
    content: CommitmentContent,
) -> tuple[RenderedDocument, tuple[FieldBox, ...]]:
    """Render and also return the cell area of each signature-block text (for layout checks).

    Text boxes are named ``office:<slot>`` and ``name:<slot>``. The layout (every box) is the
    one :func:`render_commitment` gives; the bytes differ by the recorder's extra graphics
    state operators.
    """
    texts: list[FieldBox] = []
    return _render(content, texts), tuple(texts)
