"""Exports of the status matrix and the paraf-only list, read back and compared with the DB."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import sqlalchemy as sa
from openpyxl import load_workbook

from signing.models import ActKind, Commitment, OfficeKind, Region
from signing.models.commitments import SlotRole
from signing.regions.importer import find_office
from signing.secretariat import mcp
from signing.secretariat.words import COLUMN_LABELS, MATRIX_SLOTS, state_word
from signing.workflow.status import commitment_status
from tests.secretariat.builders import KOTIM


def _expected_words(db_session, event) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Each region's five slot words, straight from the acts in the database."""
    db_session.rollback()
    db_session.expire_all()
    expected = {}
    for commitment in db_session.execute(
        sa.select(Commitment).where(Commitment.event_id == event.id)
    ).scalars():
        status = commitment_status(commitment)
        expected[commitment.region.kemendagri_code] = [
            state_word(role, status.slots[role].state) for role in MATRIX_SLOTS
        ]
    return expected


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the accents right
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _xlsx(response) -> list[list[object]]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.data))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _slot_columns(header: list[str]) -> list[int]:
    return [header.index(COLUMN_LABELS[role]) for role in MATRIX_SLOTS]


def test_status_csv_and_xlsx_match_the_database(
    client, staff, db_session, rakor, demo_event
) -> None:
    mcp.ensure_default_schemes(db_session)
    mcp.import_scores_csv(
        db_session,
        b"kode_wilayah,periode,ptsp,pendelegasian\n62.02,2019-10,80,62.5\n",
        actor="test",
    )
    db_session.commit()
    expected = _expected_words(db_session, demo_event)

    response = client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="status-rakor-ptsp-2019-10-24.csv"'
    )
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    columns = _slot_columns(header)
    assert {row[0]: [row[i] for i in columns] for row in body} == expected
    kotim = next(row for row in body if row[0] == KOTIM)
    notes = kotim[header.index(f"{COLUMN_LABELS[SlotRole.KEPALA_DAERAH]} - keterangan")]
    assert notes == "paraf oleh Wakil Bupati H.M. Taufik Mukri"
    assert kotim[header.index("Status komitmen")] == "tanda tangan terutang"
    assert kotim[header.index("MCP PTSP (%)")] == "80"
    assert kotim[header.index("Zona PTSP")] == "hijau"
    assert kotim[header.index("MCP pendelegasian (%)")] == "62,5"  # decimal comma
    assert kotim[header.index("Zona pendelegasian")] == "hijau muda"

    response = client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.xlsx")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="status-rakor-ptsp-2019-10-24.xlsx"'
    )
    sheet = _xlsx(response)
    assert demo_event.name in str(sheet[0][0])
    assert list(sheet[1]) == header
    xbody = sheet[2:]
    assert {row[0]: [row[i] for i in columns] for row in xbody} == expected
    xkotim = next(row for row in xbody if row[0] == KOTIM)
    # Numbers stay numbers in the spreadsheet.
    assert xkotim[header.index("MCP PTSP (%)")] == 80
    assert xkotim[header.index("MCP pendelegasian (%)")] == 62.5
    assert Decimal(str(xkotim[header.index("MCP pendelegasian (%)")])) == Decimal("62.5")
    # Same rows in both formats.
    as_text = [["" if v is None else str(v) for v in row] for row in xbody]
    assert [row[:2] + [row[i] for i in columns] for row in as_text] == [
        row[:2] + [row[i] for i in columns] for row in body
    ]


def test_paraf_only_export_lists_kotawaringin_timur_with_its_witnesses(
    client, staff, db_session, rakor, demo_event
) -> None:
    witnesses = [
        find_office(db_session, "62", kind).current_holder.name
        for kind in (OfficeKind.WAKIL_GUBERNUR, OfficeKind.KETUA_DPRD_PROVINSI)
    ]
    for fmt, read in (("csv", _csv), ("xlsx", lambda r: _xlsx(r)[1:])):
        response = client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/paraf-saja.{fmt}")
        assert response.status_code == 200
        assert (
            f'filename="paraf-saja-rakor-ptsp-2019-10-24.{fmt}"'
            in response.headers["Content-Disposition"]
        )
        rows = read(response)
        header, body = rows[0], rows[1:]
        assert len(body) == 1
        row = dict(zip(header, body[0], strict=True))
        assert row["Kode"] == KOTIM
        assert row["Bagian tanda tangan"] == "Bupati/Wali Kota"
        assert row["Paraf oleh"] == "Wakil Bupati H.M. Taufik Mukri"
        assert row["Waktu paraf (WIB)"] == "24-10-2019 10.00 WIB"
        for name in witnesses:
            assert name in row["Disaksikan oleh"]
        assert float(str(row["Terutang (jam)"]).replace(",", ".")) > 24
        assert row["Nomor dokumen"] == rakor[KOTIM].number


def test_unknown_export_is_404(client, staff, demo_event) -> None:
    assert client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.pdf").status_code == 404
    assert client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/lain.csv").status_code == 404


def test_regions_without_a_document_are_exported_as_such(
    client, staff, db_session, demo_event
) -> None:
    rows = _csv(client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.csv"))
    regions = db_session.execute(
        sa.select(sa.func.count(Region.id)).where(Region.province_code == "62")
    ).scalar_one()
    assert len(rows) - 1 == regions
    assert {row[rows[0].index("Status komitmen")] for row in rows[1:]} == {"dokumen belum dibuat"}


def test_formula_like_text_is_exported_as_text(
    client, staff, db_session, rakor, demo_event
) -> None:
    """OWASP CSV injection: a number or name typed as a formula stays text in CSV and XLSX."""
    hostile = {
        "=": '=HYPERLINK("http://evil.invalid","klik")',
        "+": "+1+cmd|' /C calc'!A0",
        "-": "-2+3",
        "@": "@SUM(A1:A9)",
        "\t": "\t=1+1",
        "\r": "\r=1+1",
    }
    commitments = list(rakor.values())
    for commitment, number in zip(commitments, hostile.values(), strict=False):
        db_session.get(Commitment, commitment.id).number = number
    db_session.commit()

    csv_rows = _csv(client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.csv"))
    response = client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.active
    # openpyxl marks a cell whose text starts with "=" as a formula ("f"): none may be one.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    xlsx_rows = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    for rows in (csv_rows, xlsx_rows[1:]):
        header, body = rows[0], rows[1:]
        numbers = [row[header.index("Nomor dokumen")] for row in body]
        for number in hostile.values():
            assert "'" + number in numbers
        every_cell = [cell for row in rows for cell in row]
        assert not [cell for cell in every_cell if cell[:1] in ("=", "+", "@", "\t", "\r")]
        # Numbers keep their meaning: a plain "80" or "-2.5" is not touched.
        assert not [c for c in every_cell if c.startswith("-") and not c.lstrip("-")[:1].isdigit()]


def test_csv_opens_in_columns_with_indonesian_settings_and_keeps_each_slots_history(
    client, staff, db_session, rakor, demo_event
) -> None:
    """After the Bupati signs, the export still shows that the Wakil Bupati initialled first."""
    from tests.secretariat.builders import MEETING, act

    commitment = db_session.get(Commitment, rakor[KOTIM].id)
    bupati = commitment.slot(SlotRole.KEPALA_DAERAH).office.current_holder.name
    act(
        db_session,
        commitment,
        SlotRole.KEPALA_DAERAH,
        ActKind.SIGN,
        at=MEETING + dt.timedelta(hours=2),
    )
    db_session.commit()

    response = client.get(f"/sekretariat/acara/{demo_event.id}/ekspor/status.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0] + "\n" + text.splitlines()[1])
    assert dialect.delimiter == ";"  # Excel with Indonesian regional settings: columns
    rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    kotim = next(row for row in rows if row["Kode"] == KOTIM)
    label = COLUMN_LABELS[SlotRole.KEPALA_DAERAH]
    assert kotim[label] == "ditandatangani"
    history = kotim[f"{label} - riwayat"]
    paraf_at = history.find("paraf Wakil Bupati H.M. Taufik Mukri")
    signed_at = history.find(f"ditandatangani Bupati {bupati}")
    assert 0 <= paraf_at < signed_at, history
    assert ", lalu " in history[paraf_at:signed_at]
