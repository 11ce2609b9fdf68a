"""Render a commitment to PDF with reportlab, recording where every signature box lands.

The PDF has no form fields: reportlab cannot make signature fields. The recorded
:class:`FieldBox` list is handed to :func:`signing.pades.fields.add_signature_fields`, which
creates them in one incremental revision before anything is signed.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import partial

from reportlab.lib import colors
from reportlab.lib.units import mm
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
from .fonts import FONT, x
from .footer import PageFooter, PageFooterCanvas
from .layout import DocumentLayoutError, FieldBox, FieldSpot, NameSpot, TextSpot
from .styles import (
    S_BODY,
    S_CELL,
    S_CELL_JUSTIFY,
    S_CENTER_BOLD,
    S_HEADING,
    S_LIST,
    S_NUMBER,
    S_SECTION,
    S_SIG_NAME,
    S_SIG_NIP,
    S_SIG_OFFICE,
    S_TABLE_CELL,
    S_TABLE_CENTER,
    S_TABLE_HEAD,
    S_TITLE,
)

__all__ = ["DocumentLayoutError", "FieldBox", "RenderedDocument", "render_commitment"]


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered commitment: PDF bytes (no fields yet), the field boxes, and the PDF's SHA-256."""

    pdf: bytes
    fields: tuple[FieldBox, ...]
    sha256: str


_KEEP_UPPER = frozenset({"DPRD", "RI", "PTSP", "DPMPTSP", "KPK", "II", "III", "IV", "VI"})
_KEEP_LOWER = frozenset({"dan", "di", "ke", "dari"})
_CAPACITY_PHRASES = {
    "plt.": "selaku Pelaksana Tugas (Plt.)",
    "plh.": "selaku Pelaksana Harian (Plh.)",
    "a.n.": "atas nama (a.n.)",
}
_ORDINALS = ("KESATU", "KEDUA", "KETIGA")


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
        Paragraph(f"GUBERNUR {x(c.province_name.upper())}", S_HEADING),
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
    story += [Paragraph(x(line), S_TITLE) for line in title_lines]
    story.append(Paragraph(f"NOMOR: {x(c.document_number)}", S_NUMBER))
    story.append(Spacer(0, 4 * mm))

    story.append(
        Paragraph(
            f"Pada hari ini {x(format_hari_tanggal(c.event_date))}, bertempat di "
            f"{x(c.event_place)}, dalam acara {x(c.event_name)}, kami yang bertanda tangan "
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
            [f"{k + 1}.", "Nama", ":", Paragraph(f"<b>{x(party.holder_name)}</b>", S_CELL)],
            ["", "Jabatan", ":", Paragraph(x(party_role(party)), S_CELL)],
            [
                "",
                Paragraph(
                    "dalam hal ini bertindak untuk dan atas nama "
                    f"{x(acting_for[party.slot])}, selanjutnya disebut "
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
        story.append(Paragraph(x(text), S_LIST, bulletText=f"{k + 1}."))
    story.append(Paragraph("Menimbang:", S_SECTION))
    for k, text in enumerate(_punctuated(c.considerations, last=".", conjunction=False)):
        story.append(Paragraph(x(text), S_LIST, bulletText=f"{chr(ord('a') + k % 26)}."))

    story.append(
        Paragraph(
            "Dengan ini <b>PARA PIHAK</b> menyatakan komitmen bersama untuk membentuk dan "
            "menyelenggarakan Pelayanan Terpadu Satu Pintu (PTSP) Prima di "
            f"{x(c.region_label)}, yaitu:",
            S_BODY,
        )
    )
    for k, text in enumerate(_punctuated(c.points, last=".", conjunction=True)):
        story.append(Paragraph(x(text), S_LIST, bulletText=f"{k + 1}."))

    closing = Paragraph(
        # True from the sealed draft on: it says how the parties sign, not that they have.
        "Demikian Komitmen Bersama ini dibuat untuk dilaksanakan dengan penuh tanggung jawab "
        "oleh <b>PARA PIHAK</b>. Tanda tangan <b>PARA PIHAK</b> dan para saksi dibubuhkan "
        "secara elektronik pada kotak di bawah ini; setiap kotak yang telah ditandatangani "
        "memuat nama penanda tangan serta tanggal dan waktu penandatanganannya.",
        S_BODY,
    )
    story.append(
        KeepTogether(
            [
                closing,
                Spacer(0, 6 * mm),
                _block_table(c.parties, spots, witnesses=False),
            ]
        )
    )
    story.append(
        KeepTogether(
            [
                Paragraph("Disaksikan oleh:", S_CENTER_BOLD),
                Spacer(0, 2 * mm),
                _block_table(c.witnesses, spots, witnesses=True),
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
            Paragraph("<br/>".join(x(line) for line in signature_office_lines(p)), S_SIG_OFFICE),
        )
        for p in parties
    ]
    names = [
        spots.name(p.slot, Paragraph(x(p.holder_name), S_SIG_NAME), p.holder_name) for p in parties
    ]
    rows: list[list[object]] = [offices, boxes, names]
    if any(p.nip for p in parties):
        rows.append([Paragraph(f"NIP. {x(p.nip)}" if p.nip else "", S_SIG_NIP) for p in parties])
    return rows


#: The same padding on every side of every cell: the layout's box sizes assume it.
_CELL_PADDING = [
    (side, (0, 0), (-1, -1), L.CELL_PADDING)
    for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
]

_BLOCK_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        *_CELL_PADDING,
        # Names on one line across the row, so their fields (box + name) end level.
        ("VALIGN", (0, 2), (-1, 2), "BOTTOM"),
    ]
)


def _block_table(parties: tuple[Party, ...], spots: _Spots, *, witnesses: bool) -> Table:
    """A row of signature blocks (office, box, name, NIP): the parties' or the witnesses'."""
    if witnesses:
        box = (L.WITNESS_BOX_WIDTH, L.WITNESS_BOX_HEIGHT)
        column, columns = L.WITNESS_COL_WIDTH, L.WITNESS_COLUMNS
    else:
        box = (L.SIGNATURE_BOX_WIDTH, L.SIGNATURE_BOX_HEIGHT)
        column, columns = L.SIGNATURE_COL_WIDTH, L.SIGNATURE_COLUMNS
    boxes = [spots.field(signature_field_name(p.slot), *box) for p in parties]
    return Table(
        _signature_block_rows(parties, boxes, spots),
        colWidths=(column,) * columns,
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
                    f"{x(party_role(party))}<br/><font size=8>{x(party.holder_name)}</font>",
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
                *_CELL_PADDING,
                *spans,
            ]
        ),
    )


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
    footer = PageFooter(
        document_code=content.document_code,
        verification_url=content.verification_url,
        province_name=content.province_name,
        pdf_date=f"D:{content.event_date:%Y%m%d}",
    )
    try:
        doc.build(_story(content, spots), canvasmaker=partial(PageFooterCanvas, footer=footer))
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
