"""CSV and XLSX exports of the status matrix and of the paraf-only list.

Both formats carry the same rows (the XLSX adds colours); file names say the event and its date,
e.g. ``status-rakor-ptsp-2019-10-24.xlsx``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from signing.dates import day_text, wib_text
from signing.models import Event
from signing.secretariat.chase import FollowUp
from signing.secretariat.dashboard import Dashboard
from signing.secretariat.words import COLUMN_LABELS, MATRIX_SLOTS

#: Spelled-out phrases and the short forms Indonesian offices use in file names.
ABBREVIATIONS = (
    ("rapat koordinasi teknis", "rakortek"),
    ("rapat koordinasi", "rakor"),
    ("rapat kerja", "raker"),
    ("rapat pimpinan", "rapim"),
)

KINDS = {"status": "status", "paraf-saja": "paraf-saja"}
#: The list separator of Indonesian (and most non-English) Windows regional settings: a
#: comma-separated file opens in a single column there.
CSV_DELIMITER = ";"


def event_slug(event: Event) -> str:
    """``rakor-ptsp`` for "Rapat Koordinasi ... Penyelenggaraan PTSP Prima ...".

    Known phrases become their short form and acronyms (words in capitals) are kept; if that
    leaves nothing, the first three words.
    """
    text = unicodedata.normalize("NFKD", event.name).encode("ascii", "ignore").decode()
    lowered = text.lower()
    parts: list[str] = []
    for phrase, short in ABBREVIATIONS:
        if phrase in lowered:
            parts.append(short)
            break
    for word in re.findall(r"[A-Za-z0-9]+", text):
        if len(word) >= 2 and word.isupper() and word.lower() not in parts:
            parts.append(word.lower())
    if not parts:
        parts = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)[:3]] or ["acara"]
    return "-".join(parts)[:60]


def file_name(kind: str, event: Event, extension: str) -> str:
    return f"{KINDS[kind]}-{event_slug(event)}-{event.date.isoformat()}.{extension}"


def _percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


# --- the rows ---------------------------------------------------------------------------------


def status_header() -> list[str]:
    header = ["Kode", "Kabupaten/Kota"]
    for role in MATRIX_SLOTS:
        header += [
            COLUMN_LABELS[role],
            f"{COLUMN_LABELS[role]} - keterangan",
            f"{COLUMN_LABELS[role]} - riwayat",
        ]
    header += [
        "Status komitmen",
        "Versi",
        "Nomor dokumen",
        "MCP periode",
        "MCP PTSP (%)",
        "Zona PTSP",
        "MCP pendelegasian (%)",
        "Zona pendelegasian",
    ]
    return header


def status_rows(board: Dashboard) -> list[list[str]]:
    rows = []
    for row in board.rows:
        line = [row.region.kemendagri_code, row.region.name]
        cells = {cell.role: cell for cell in row.cells}
        for role in MATRIX_SLOTS:
            cell = cells.get(role)
            if cell is None:
                line += ["", "", ""]
                continue
            notes = [part for part in (cell.stand_in or cell.actor, cell.attests) if part]
            if cell.attests:
                notes[-1] = f"menyaksikan {cell.attests}"
            line += [cell.word, "; ".join(notes), ", lalu ".join(cell.history)]
        view = row.mcp
        line += [
            row.state_word,
            str(row.commitment.version) if row.commitment else "",
            row.commitment.number if row.commitment else "",
            view.period if view else "",
            _percent(view.ptsp) if view else "",
            view.ptsp_zone.label if view and view.ptsp_zone else "",
            _percent(view.delegation) if view else "",
            view.delegation_zone.label if view and view.delegation_zone else "",
        ]
        rows.append(line)
    return rows


def paraf_header() -> list[str]:
    return [
        "Kode",
        "Kabupaten/Kota",
        "Bagian tanda tangan",
        "Paraf oleh",
        "Kapasitas",
        "Waktu paraf (WIB)",
        "Disaksikan oleh",
        "Tanda tangan ditunggu dari",
        "Terutang (jam)",
        "Terutang",
        "Nomor dokumen",
    ]


def paraf_rows(lists: FollowUp) -> list[list[str]]:
    return [
        [
            item.region.kemendagri_code,
            item.region.name,
            COLUMN_LABELS[item.role],
            item.by,
            item.capacity,
            wib_text(item.paraf.created_at),
            "; ".join(item.witnesses),
            item.principal,
            f"{item.owed_hours:.1f}",
            item.owed_words,
            item.commitment.number,
        ]
        for item in lists.paraf_only
    ]


# --- formats ----------------------------------------------------------------------------------

#: First characters that make a spreadsheet program read a cell as a formula (OWASP "CSV
#: injection"); tab and carriage return too, because some programs strip them before deciding.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+([.,]\d+)?")  # 62.5, or 62,5 with a decimal comma


def neutralise(cell: Any) -> Any:
    """A cell as text that no spreadsheet program evaluates: formula-like text gets a ``'``.

    Applied to every cell of every export (title, header and rows, CSV and XLSX alike), so a
    document number or name typed as ``=HYPERLINK(...)`` stays text. Plain numbers such as
    ``-2.5`` are left alone: a spreadsheet reads them as the number they are.
    """
    if not isinstance(cell, str) or not cell.startswith(FORMULA_STARTS):
        return cell
    if _PLAIN_NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def to_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: Excel with Indonesian regional settings
    (decimal comma, list separator ";") opens it in columns, and reads the accents right."""
    rows = [decimal_commas(header, row) for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def decimal_commas(header: Sequence[str], row: Sequence[str]) -> list[str]:
    """Numbers with a decimal comma (``62,5``), as the same regional settings read them: with a
    point, Indonesian Excel takes ``62.5`` for text or for 625 (the point groups thousands)."""
    return [
        value.replace(".", ",") if name in NUMERIC_HEADERS else value
        for name, value in zip(header, row, strict=True)
    ]


STATE_FILLS = {
    "menunggu": "EEF1F5",
    "paraf saja": "FFF3D6",
    "ditandatangani": "E3F4E7",
    "disaksikan": "E3F4E7",
    "ditolak": "FDE7E9",
}
NUMERIC_HEADERS = {"MCP PTSP (%)", "MCP pendelegasian (%)", "Terutang (jam)", "Versi"}


def to_xlsx(
    title: str, header: Sequence[str], rows: Sequence[Sequence[str]], *, sheet: str
) -> bytes:
    """One sheet, header frozen and bold, status words coloured, numbers as numbers."""
    # openpyxl is imported here and below, not at the top: it is slow to load and only an
    # XLSX download needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append([neutralise(title)])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([neutralise(cell) for cell in header])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    numeric = {i for i, name in enumerate(header) if name in NUMERIC_HEADERS}
    for row in rows:
        values: list[Any] = []
        for i, value in enumerate(row):
            if i in numeric and value != "":
                number = float(value)
                values.append(int(number) if number.is_integer() else number)
            else:
                values.append(neutralise(value))
        ws.append(values)
        for cell in ws[ws.max_row]:
            fill = STATE_FILLS.get(str(cell.value))
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    ws.freeze_panes = "C3"
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> tuple[str, list[str], list[list[str]]]:
    """Read an export back: (title, header, rows as text) — used by tests and the CLI check."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    ws = book.active
    values = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    book.close()
    title = str(values[0][0])
    header = [str(v) for v in values[1]]
    rows = [[_text(v) for v in row] for row in values[2:]]
    return title, header, rows


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def export(
    kind: str, fmt: str, board: Dashboard, lists: FollowUp | None = None
) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of one export."""
    if kind == "status":
        header, rows = status_header(), status_rows(board)
        title = f"Status penandatanganan - {board.event.name} ({day_text(board.event.date, 'id')})"
    elif kind == "paraf-saja":
        assert lists is not None
        header, rows = paraf_header(), paraf_rows(lists)
        title = f"Paraf saja - {board.event.name} ({day_text(board.event.date, 'id')})"
    else:
        raise ValueError(kind)
    title += f", dicetak {wib_text(board.generated_at)}"
    if fmt == "csv":
        return file_name(kind, board.event, "csv"), to_csv(header, rows), "text/csv"
    if fmt == "xlsx":
        data = to_xlsx(title, header, rows, sheet="Status" if kind == "status" else "Paraf saja")
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return file_name(kind, board.event, "xlsx"), data, mime
    raise ValueError(fmt)


__all__ = [
    "event_slug",
    "export",
    "file_name",
    "neutralise",
    "paraf_header",
    "paraf_rows",
    "read_xlsx",
    "status_header",
    "status_rows",
    "to_csv",
    "to_xlsx",
]
