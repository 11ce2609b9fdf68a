"""Printed pages that accompany signed commitments: the verification sheet of a print copy,
and the cover and contents pages of an event bundle.

Input is plain data (the dataclasses below); :mod:`signing.printing` fills them from the
database and joins the pages to the signed documents. Fonts are the Vera family that ships
inside reportlab and is embedded, as in the commitment itself, so output never depends on the
host's fonts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .fonts import FONT, FONT_BOLD, FONT_ITALIC, x

__all__ = [
    "BundleCover",
    "BundleEntry",
    "SheetAct",
    "VerificationSheet",
    "render_bundle_front",
    "render_verification_sheet",
]

PAGE = A4
MARGIN = 18 * mm
GREY = colors.Color(0.92, 0.92, 0.92)
DARK = colors.Color(0.25, 0.25, 0.25)


def style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {"fontName": FONT, "fontSize": 9.5, "leading": 13}
    base.update(kw)
    return ParagraphStyle(name, **base)


S_TITLE = style("t", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
S_SUBTITLE = style("st", fontSize=10, leading=14, alignment=TA_CENTER)
S_BODY = style("b")
S_SMALL = style("s", fontSize=8, leading=10.5)
S_SMALL_ITALIC = style("si", fontName=FONT_ITALIC, fontSize=8, leading=10.5)
S_HEAD = style("h", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER)
S_CELL = style("c", fontSize=8, leading=10)
S_CELL_CENTER = style("cc", fontSize=8, leading=10, alignment=TA_CENTER)
S_SECTION = style("sec", fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=3)
S_HASH = style("hash", fontName=FONT_BOLD, fontSize=8.2, leading=11, alignment=TA_LEFT)
S_NOTICE = style("n", fontSize=8, leading=10.5)

GRID_STYLE = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), GREY),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


def qr_drawing(url: str, size: float) -> Flowable:
    """A QR code flowable (reportlab's QrCode draws plain rectangles: no font involved)."""
    return QrCode(url, width=size, height=size, qrLevel="M")


class _Footer:
    """Draws a small footer line ("<text> - Halaman x dari y") on every page."""

    def __init__(self, text: str, first_page_number: int = 1) -> None:
        self.text = text
        self.offset = first_page_number - 1

    def __call__(self, canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(DARK)
        width, _height = doc.pagesize
        number = f"Halaman {doc.page + self.offset}"
        room = width - 2 * MARGIN - canvas.stringWidth(number, FONT, 7.5) - 6 * mm
        canvas.drawString(MARGIN, 10 * mm, _fit(self.text, room, 7.5))
        canvas.drawRightString(width - MARGIN, 10 * mm, number)
        canvas.restoreState()


def _fit(text: str, width: float, size: float) -> str:
    """``text`` cut (with an ellipsis) to ``width`` points in the body font."""

    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "...", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "..."


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    footer: str,
    pagesize: tuple[float, float] = PAGE,
    author: str = "",
    first_page_number: int = 1,
) -> bytes:
    """Lay out ``story`` on pages with a footer; deterministic (reportlab ``invariant``)."""
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        invariant=1,
        title=title,
        subject=subject,
        author=author,
        creator="signing (DPMPTSP)",
        lang="id-ID",
        initialFontName=FONT,
        initialFontSize=9.5,
        initialLeading=13,
    )
    frame = Frame(
        MARGIN,
        18 * mm,
        pagesize[0] - 2 * MARGIN,
        pagesize[1] - MARGIN - 18 * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    on_page = _Footer(footer, first_page_number)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.build(story)
    return out.getvalue()


def frame_width(pagesize: tuple[float, float] = PAGE) -> float:
    return pagesize[0] - 2 * MARGIN


# ----------------------------------------------------------------- verification sheet


@dataclass(frozen=True)
class SheetAct:
    """One act on the document as the verification sheet lists it."""

    number: int
    #: "Tanda tangan", "Paraf", "Saksi", "Segel instansi", "Cap waktu dokumen".
    kind_label: str
    name: str
    office: str | None
    #: "Plt.", "a.n.", "Mewakili (paraf saja)", or None when the holder acted.
    capacity: str | None
    #: Where in the document: "Bupati/Wali Kota", "Saksi: Wakil Gubernur", ...
    slot_label: str | None
    #: "29-11-2026 10:15 WIB".
    time_wib: str
    #: For a witness: what is attested ("paraf H.M. Taufik Mukri").
    note: str | None = None


@dataclass(frozen=True)
class VerificationSheet:
    """Everything the last page of a print copy ("Salinan") says."""

    document_title: str
    document_number: str
    document_code: str
    region_label: str
    event_label: str
    #: SHA-256 (hex) of the signed PDF this copy was printed from.
    sha256: str
    file_size: int
    #: "Revisi ke-9 dari 9 (terbaru)".
    revision_label: str
    #: "Lengkap", "Ada paraf, tanda tangan masih ditunggu", ...
    status_label: str
    verification_url: str
    acts: tuple[SheetAct, ...]
    printed_at_wib: str
    institution: str
    original_pages: int
    #: Lines still owed ("Bupati/Wali Kota: tanda tangan belum ada").
    outstanding: tuple[str, ...] = ()
    #: Page number printed on the sheet's first page (it follows the document's pages).
    first_page_number: int = 1


def _kv_table(rows: list[tuple[str, Flowable | str]], width: float) -> Table:
    data = [
        [
            Paragraph(f"<b>{x(k)}</b>", S_CELL),
            v if isinstance(v, Flowable) else Paragraph(x(v), S_CELL),
        ]
        for k, v in rows
    ]
    return Table(
        data,
        colWidths=(42 * mm, width - 42 * mm),
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        ),
        hAlign="LEFT",
    )


def _sheet_story(sheet: VerificationSheet) -> list[Flowable]:
    width = frame_width()
    qr_size = 30 * mm
    story: list[Flowable] = [
        Paragraph("LEMBAR VERIFIKASI SALINAN", S_TITLE),
        Paragraph(x(sheet.institution), S_SUBTITLE),
        Spacer(0, 5 * mm),
    ]
    details = _kv_table(
        [
            ("Dokumen", sheet.document_title),
            ("Nomor", sheet.document_number),
            ("Kode dokumen", sheet.document_code),
            ("Wilayah", sheet.region_label),
            ("Acara", sheet.event_label),
            ("Status", sheet.status_label),
            ("Tahap", sheet.revision_label),
            ("Halaman dokumen", f"{sheet.original_pages} halaman (sebelum lembar ini)"),
            ("Ukuran berkas", f"{sheet.file_size:,} bita".replace(",", ".")),
            ("Dicetak", sheet.printed_at_wib),
        ],
        width - qr_size - 6 * mm,
    )
    qr = Table(
        [
            [qr_drawing(sheet.verification_url, qr_size)],
            [Paragraph("Pindai untuk memeriksa", S_HEAD)],
        ],
        colWidths=(qr_size + 4,),
        style=TableStyle(
            [("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
        ),
    )
    story.append(
        Table(
            [[details, qr]],
            colWidths=(width - qr_size - 6 * mm, qr_size + 6 * mm),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
    )
    story.append(Paragraph("SHA-256 dokumen elektronik yang ditandatangani", S_SECTION))
    story.append(Paragraph(x(sheet.sha256), S_HASH))
    story.append(
        Paragraph(
            f"Alamat verifikasi: <b>{x(sheet.verification_url)}</b>",
            S_BODY,
        )
    )

    story.append(Paragraph("Tindakan pada dokumen", S_SECTION))
    head = ["No", "Tindakan", "Nama / Jabatan", "Kedudukan", "Bagian dokumen", "Waktu"]
    rows: list[list[object]] = [[Paragraph(h, S_HEAD) for h in head]]
    for act in sheet.acts:
        who = f"<b>{x(act.name)}</b>"
        if act.office:
            who += f", {x(act.office)}"
        if act.note:
            who += f"<br/><i>{x(act.note)}</i>"
        rows.append(
            [
                Paragraph(f"{act.number}.", S_CELL_CENTER),
                Paragraph(x(act.kind_label), S_CELL),
                Paragraph(who, S_CELL),
                Paragraph(x(act.capacity or "-"), S_CELL),
                Paragraph(x(act.slot_label or "-"), S_CELL),
                Paragraph(x(act.time_wib), S_CELL),
            ]
        )
    if not sheet.acts:
        rows.append([Paragraph("Belum ada tindakan.", S_CELL), "", "", "", "", ""])
    col = (7 * mm, 22 * mm, 0.0, 25 * mm, 27 * mm, 25 * mm)
    col = (col[0], col[1], width - sum(col), col[3], col[4], col[5])
    table_style = list(GRID_STYLE)
    if not sheet.acts:
        table_style.append(("SPAN", (0, 1), (-1, 1)))
    story.append(Table(rows, colWidths=col, repeatRows=1, style=TableStyle(table_style)))
    if sheet.outstanding:
        story.append(Paragraph("Masih ditunggu", S_SECTION))
        for line in sheet.outstanding:
            story.append(Paragraph(x(line), S_BODY, bulletText="-"))

    notice = [
        Paragraph("Keterangan", S_SECTION),
        Paragraph(
            # A copy may be made before every party has signed: the sentence says how the
            # signatures are made, and the table above says which exist.
            "Tanda tangan pada dokumen ini dibubuhkan secara elektronik menggunakan sertifikat "
            f"elektronik yang diterbitkan oleh CA internal {x(sheet.institution)} (tanda "
            "tangan elektronik tidak tersertifikasi menurut PP 71/2019 Pasal 60).",
            S_NOTICE,
        ),
        Spacer(0, 1.5 * mm),
        Paragraph(
            "<b>Berkas ini adalah SALINAN untuk arsip kertas, bukan dokumen elektronik asli.</b> "
            "Penambahan lembar verifikasi ini mengubah berkas, sehingga tanda tangan elektronik "
            "di dalam berkas salinan ini tidak lagi dapat diperiksa secara elektronik. Keaslian "
            "dokumen diperiksa pada dokumen elektronik asli: cocokkan SHA-256 di atas, atau "
            "pindai kode QR / buka alamat verifikasi dan unggah dokumen asli.",
            S_NOTICE,
        ),
        Spacer(0, 1.5 * mm),
        Paragraph(
            "Jenis tindakan (tanda tangan, paraf, saksi, segel) tercatat dalam sistem "
            "penandatanganan; dokumen PDF sendiri tidak membedakan paraf dari tanda tangan.",
            S_SMALL_ITALIC,
        ),
    ]
    story.append(KeepTogether(notice))
    return story


def render_verification_sheet(sheet: VerificationSheet) -> bytes:
    """The verification sheet (one page, more if there are many acts) as PDF bytes."""
    return build_pdf(
        _sheet_story(sheet),
        title=f"Lembar verifikasi - {sheet.document_code}",
        subject=f"SHA-256 {sheet.sha256}",
        author=sheet.institution,
        footer=f"Lembar verifikasi salinan {sheet.document_code}",
        first_page_number=sheet.first_page_number,
    )


# ----------------------------------------------------------------- bundle front pages


@dataclass(frozen=True)
class BundleEntry:
    """A commitment in the bundle's contents."""

    number: int
    region_label: str
    document_number: str
    document_code: str
    status_label: str
    #: 1-based page of the bundle where the document starts; None when not printed.
    first_page: int | None
    page_count: int = 0
    #: Why it is not printed ("Belum diterbitkan", "Dibatalkan").
    note: str | None = None


@dataclass(frozen=True)
class BundleCover:
    event_name: str
    event_date_label: str
    event_place: str
    institution: str
    province_name: str
    entries: tuple[BundleEntry, ...]
    printed_at_wib: str
    total_pages: int
    with_sheets: bool = True
    totals: tuple[tuple[str, int], ...] = field(default_factory=tuple)


def _cover_story(cover: BundleCover) -> list[Flowable]:
    width = frame_width()
    story: list[Flowable] = [
        Spacer(0, 45 * mm),
        Paragraph(f"PEMERINTAH PROVINSI {x(cover.province_name.upper())}", S_SUBTITLE),
        Paragraph(x(cover.institution.upper()), S_SUBTITLE),
        Spacer(0, 20 * mm),
        Paragraph("BUNDEL KOMITMEN BERSAMA", S_TITLE),
        Paragraph("PEMBENTUKAN DAN PENYELENGGARAAN PTSP PRIMA", S_TITLE),
        Spacer(0, 10 * mm),
        Paragraph(x(cover.event_name), style("ev", fontSize=12, leading=16, alignment=TA_CENTER)),
        Paragraph(
            f"{x(cover.event_place)}, {x(cover.event_date_label)}",
            style("evd", fontSize=11, leading=15, alignment=TA_CENTER),
        ),
        Spacer(0, 20 * mm),
    ]
    printed = sum(1 for e in cover.entries if e.first_page is not None)
    summary = [
        ("Jumlah komitmen", str(len(cover.entries))),
        ("Dicetak dalam bundel", str(printed)),
        *[(label, str(count)) for label, count in cover.totals],
        ("Jumlah halaman", str(cover.total_pages)),
        ("Dicetak", cover.printed_at_wib),
    ]
    story.append(
        Table(
            [[Paragraph(x(k), S_CELL), Paragraph(f"<b>{x(v)}</b>", S_CELL)] for k, v in summary],
            colWidths=(60 * mm, 60 * mm),
            style=TableStyle(GRID_STYLE[:1] + GRID_STYLE[2:]),
            hAlign="CENTER",
        )
    )
    story.append(Spacer(0, 25 * mm))
    story.append(
        Paragraph(
            "Setiap dokumen dalam bundel ini adalah cetakan dokumen yang ditandatangani secara "
            "elektronik"
            + (", diikuti lembar verifikasinya" if cover.with_sheets else "")
            + ". Keaslian diperiksa pada dokumen elektronik asli melalui alamat atau kode QR "
            "yang tercetak pada setiap dokumen.",
            style("cn", fontSize=9, leading=12.5, alignment=TA_CENTER),
        )
    )
    story.append(PageBreak())
    story.append(Paragraph("DAFTAR ISI", S_TITLE))
    story.append(Spacer(0, 5 * mm))
    head = ["No", "Kabupaten/Kota", "Nomor dokumen", "Status", "Halaman"]
    rows: list[list[object]] = [[Paragraph(h, S_HEAD) for h in head]]
    for entry in cover.entries:
        if entry.first_page is None:
            pages = entry.note or "-"
        elif entry.page_count > 1:
            pages = f"{entry.first_page}-{entry.first_page + entry.page_count - 1}"
        else:
            pages = str(entry.first_page)
        rows.append(
            [
                Paragraph(f"{entry.number}.", S_CELL_CENTER),
                Paragraph(
                    f"{x(entry.region_label)}<br/><font size=7>{x(entry.document_code)}</font>",
                    S_CELL,
                ),
                Paragraph(x(entry.document_number), S_CELL),
                Paragraph(x(entry.status_label), S_CELL),
                Paragraph(x(pages), S_CELL_CENTER),
            ]
        )
    col = [9 * mm, 52 * mm, 0.0, 40 * mm, 22 * mm]
    col[2] = width - sum(col)
    story.append(Table(rows, colWidths=col, repeatRows=1, style=TableStyle(GRID_STYLE)))
    return story


def render_bundle_front(cover: BundleCover) -> bytes:
    """Cover page and contents page(s) of an event bundle."""
    return build_pdf(
        _cover_story(cover),
        title=f"Bundel komitmen - {cover.event_name}",
        subject=cover.event_name,
        author=cover.institution,
        footer=f"Bundel komitmen PTSP Prima - {cover.event_name}",
    )


def landscape_a4() -> tuple[float, float]:
    return landscape(A4)
