"""The status report (rekapitulasi) of an event, landscape A4: the matrix of commitments and
slots, the paraf-only list (signatures still owed), totals, and the date and time printed.

Input is plain data; :mod:`signing.printing.report` fills it from the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from .sheets import (
    GRID_STYLE,
    S_BODY,
    S_CELL,
    S_CELL_CENTER,
    S_HEAD,
    S_SECTION,
    S_SMALL,
    S_SUBTITLE,
    S_TITLE,
    build_pdf,
    frame_width,
    landscape_a4,
    x,
)

__all__ = ["ParafOnlyRow", "ReportCell", "ReportRow", "StatusReport", "render_status_report"]

#: Cell shading per slot state code, so the matrix reads at a glance even in grey print.
_SHADES = {
    "signed": colors.Color(0.80, 0.92, 0.80),
    "paraf_only": colors.Color(1.00, 0.90, 0.60),
    "declined": colors.Color(0.95, 0.75, 0.75),
    "pending": None,
}


@dataclass(frozen=True)
class ReportCell:
    #: "signed", "paraf_only", "pending", "declined".
    state: str
    #: Short text in the cell: "TTD 24-10 10:15", "Paraf", "-".
    text: str


@dataclass(frozen=True)
class ReportRow:
    number: int
    region_label: str
    document_number: str
    #: One cell per slot, in the order of :attr:`StatusReport.slot_headers`.
    cells: tuple[ReportCell, ...]
    state_label: str
    #: "24-10-2019 11:02 WIB" or "".
    completed_at: str = ""


@dataclass(frozen=True)
class ParafOnlyRow:
    region_label: str
    slot_label: str
    #: Who initialled, in what capacity: "H.M. Taufik Mukri (Wakil Bupati Kotawaringin Timur)".
    paraf_by: str
    paraf_at: str
    #: Witnesses who attested the paraf, "" when none.
    witnessed_by: str
    #: Whose signature is still owed: the principal office and its holder.
    owed_by: str


@dataclass(frozen=True)
class StatusReport:
    event_name: str
    event_date_label: str
    event_place: str
    institution: str
    slot_headers: tuple[str, ...]
    rows: tuple[ReportRow, ...]
    paraf_only: tuple[ParafOnlyRow, ...]
    #: ("Lengkap", 9), ("Ada paraf, tanda tangan masih ditunggu", 1), ...
    totals: tuple[tuple[str, int], ...]
    printed_at_wib: str
    legend: tuple[str, ...] = ()


def _matrix(report: StatusReport, width: float) -> Table:
    head = ["No", "Kabupaten/Kota", *report.slot_headers, "Status", "Lengkap pada"]
    rows: list[list[object]] = [[Paragraph(x(h), S_HEAD) for h in head]]
    style = list(GRID_STYLE)
    for r, row in enumerate(report.rows, start=1):
        cells: list[object] = [
            Paragraph(f"{row.number}.", S_CELL_CENTER),
            Paragraph(
                f"{x(row.region_label)}<br/><font size=6.5>{x(row.document_number)}</font>", S_CELL
            ),
        ]
        for c, cell in enumerate(row.cells, start=2):
            cells.append(Paragraph(x(cell.text), S_CELL_CENTER))
            shade = _SHADES.get(cell.state)
            if shade is not None:
                style.append(("BACKGROUND", (c, r), (c, r), shade))
        cells.append(Paragraph(x(row.state_label), S_CELL))
        cells.append(Paragraph(x(row.completed_at or "-"), S_CELL_CENTER))
        rows.append(cells)
    slot_width = 27 * mm
    fixed = [9 * mm, 0.0, *([slot_width] * len(report.slot_headers)), 38 * mm, 24 * mm]
    fixed[1] = width - sum(fixed)
    return Table(rows, colWidths=fixed, repeatRows=1, style=TableStyle(style))


def _paraf_table(report: StatusReport, width: float) -> Flowable:
    if not report.paraf_only:
        return Paragraph("Tidak ada: setiap paraf telah diikuti tanda tangan.", S_BODY)
    head = ["No", "Kabupaten/Kota", "Bagian", "Diparaf oleh", "Waktu paraf", "Disaksikan oleh",
            "Tanda tangan masih ditunggu dari"]  # fmt: skip
    rows: list[list[object]] = [[Paragraph(h, S_HEAD) for h in head]]
    for k, item in enumerate(report.paraf_only, start=1):
        rows.append(
            [
                Paragraph(f"{k}.", S_CELL_CENTER),
                Paragraph(x(item.region_label), S_CELL),
                Paragraph(x(item.slot_label), S_CELL),
                Paragraph(x(item.paraf_by), S_CELL),
                Paragraph(x(item.paraf_at), S_CELL),
                Paragraph(x(item.witnessed_by or "-"), S_CELL),
                Paragraph(x(item.owed_by), S_CELL),
            ]
        )
    col = [9 * mm, 40 * mm, 30 * mm, 0.0, 27 * mm, 50 * mm, 50 * mm]
    col[3] = width - sum(col)
    return Table(rows, colWidths=col, repeatRows=1, style=TableStyle(GRID_STYLE))


def _totals(report: StatusReport) -> Table:
    rows = [[Paragraph(x(label), S_CELL), Paragraph(f"<b>{count}</b>", S_CELL_CENTER)]
            for label, count in report.totals]  # fmt: skip
    return Table(
        rows,
        colWidths=(80 * mm, 20 * mm),
        style=TableStyle(GRID_STYLE[:1] + GRID_STYLE[2:]),
        hAlign="LEFT",
    )


def render_status_report(report: StatusReport) -> bytes:
    """The rekapitulasi as PDF bytes (landscape A4, as many pages as the matrix needs)."""
    pagesize = landscape_a4()
    width = frame_width(pagesize)
    story: list[Flowable] = [
        Paragraph("REKAPITULASI PENANDATANGANAN KOMITMEN PTSP PRIMA", S_TITLE),
        Paragraph(
            f"{x(report.event_name)} - {x(report.event_place)}, {x(report.event_date_label)}",
            S_SUBTITLE,
        ),
        Paragraph(f"Dicetak: {x(report.printed_at_wib)}", S_SUBTITLE),
        Spacer(0, 4 * mm),
        Paragraph("Status per Kabupaten/Kota", S_SECTION),
        _matrix(report, width),
    ]
    if report.legend:
        story.append(Spacer(0, 1.5 * mm))
        story.append(Paragraph(" &middot; ".join(x(item) for item in report.legend), S_SMALL))
    story.append(
        KeepTogether(
            [
                Paragraph("Paraf tanpa tanda tangan (tanda tangan masih ditunggu)", S_SECTION),
                _paraf_table(report, width),
            ]
        )
    )
    story.append(KeepTogether([Paragraph("Jumlah", S_SECTION), _totals(report)]))
    return build_pdf(
        story,
        title=f"Rekapitulasi - {report.event_name}",
        subject=f"Rekapitulasi penandatanganan, dicetak {report.printed_at_wib}",
        author=report.institution,
        footer=f"Rekapitulasi {report.event_name} - dicetak {report.printed_at_wib}",
        pagesize=pagesize,
    )
