"""The secretariat's pages against the real replay of the meeting day
(``signing demo --scenario rakor``: real PDFs, signatures through the workflow)."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from signing.models import Commitment, Event, OfficeKind, Region
from signing.regions.importer import find_office
from signing.secretariat.words import COLUMN_LABELS, MATRIX_SLOTS, state_word
from signing.workflow.status import CommitmentState, SlotState, commitment_status


def test_dashboard_lists_and_exports_after_the_replayed_meeting(
    app, client, auth, runner, db_session
) -> None:
    from signing.demo import demo_password
    from signing.workflow.demo import KOTIM, NOT_STARTED

    result = runner.invoke(args=["demo", "--no-serve", "--scenario", "rakor"])
    assert result.exit_code == 0, result.output
    assert auth.login("sekretariat", demo_password()).status_code == 302
    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    commitments = {
        c.region.kemendagri_code: c
        for c in db_session.execute(
            sa.select(Commitment).where(Commitment.event_id == event.id)
        ).scalars()
    }
    regions = db_session.execute(
        sa.select(sa.func.count(Region.id)).where(Region.province_code == event.province_code)
    ).scalar_one()
    assert len(commitments) == regions
    statuses = {code: commitment_status(c) for code, c in commitments.items()}
    complete = [code for code, s in statuses.items() if s.state is CommitmentState.COMPLETE]
    assert len(complete) == regions - len(NOT_STARTED) - 1
    assert statuses[KOTIM].state is CommitmentState.PARAF_OUTSTANDING

    # The dashboard says the same, with the word and the stand-in for Kotawaringin Timur.
    html = client.get(f"/sekretariat/acara/{event.id}").text
    assert re.search(rf">{len(complete)}<small[^>]*>/{regions}</small>", html)
    row = re.search(rf'<tr data-region="{KOTIM}">(.*?)</tr>', html, re.S).group(1)
    head = re.search(r'data-slot="kepala_daerah" data-state="(\w+)"[^>]*>(.*?)</td>', row, re.S)
    assert head.group(1) == "paraf_only"
    assert "paraf saja" in head.group(2)
    assert "paraf oleh Wakil Bupati H.M. Taufik Mukri" in head.group(2)
    for slot in ("saksi_wakil_gubernur", "saksi_ketua_dprd_provinsi"):
        cell = re.search(rf'data-slot="{slot}" data-state="(\w+)"[^>]*>(.*?)</td>', row, re.S)
        assert cell.group(1) == "signed"
        assert "disaksikan" in cell.group(2)
        assert "atas paraf Wakil Bupati H.M. Taufik Mukri" in cell.group(2)
    for code in NOT_STARTED:
        assert "belum ada tindakan" in re.search(
            rf'<tr data-region="{code}">(.*?)</tr>', html, re.S
        ).group(1)

    # The paraf-only list: one row, the Wakil Bupati's paraf, both witnesses named.
    lists = client.get(f"/sekretariat/acara/{event.id}/tindak-lanjut").text
    section = lists.split('id="paraf-saja"')[1].split('id="belum"')[0]
    rows = re.findall(r'<tr data-region="([^"]+)" data-slot="([^"]+)">(.*?)</tr>', section, re.S)
    assert [(code, slot) for code, slot, _ in rows] == [(KOTIM, "kepala_daerah")]
    text = " ".join(re.sub(r"<[^>]+>", " ", rows[0][2]).split())
    for kind in (OfficeKind.WAKIL_GUBERNUR, OfficeKind.KETUA_DPRD_PROVINSI):
        assert find_office(db_session, "62", kind).current_holder.name in text
    assert "H.M. Taufik Mukri" in text

    # Exports read back equal the database.
    expected = {
        code: [state_word(role, s.slots[role].state) for role in MATRIX_SLOTS]
        for code, s in statuses.items()
    }
    data = client.get(f"/sekretariat/acara/{event.id}/ekspor/status.csv").data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = table[0]
    columns = [header.index(COLUMN_LABELS[role]) for role in MATRIX_SLOTS]
    assert {r[0]: [r[i] for i in columns] for r in table[1:]} == expected
    book = load_workbook(
        io.BytesIO(client.get(f"/sekretariat/acara/{event.id}/ekspor/paraf-saja.xlsx").data)
    )
    sheet = [list(r) for r in book.active.iter_rows(values_only=True)][1:]
    assert len(sheet) == 2 and sheet[1][0] == KOTIM and "Taufik Mukri" in sheet[1][3]

    # The commitment page: the real PDF, the acts in the timeline.
    page = client.get(f"/sekretariat/komitmen/{commitments[KOTIM].id}").text
    actions = re.findall(r'<li data-action="([^"]+)">', page)
    assert actions.count("act.paraf") == 1 and actions.count("act.witness") == 2
    pdf = client.get(f"/sekretariat/komitmen/{commitments[KOTIM].id}/dokumen.pdf")
    assert pdf.data.startswith(b"%PDF") and pdf.data.count(b"/ByteRange") >= 5
    assert statuses[KOTIM].slots[MATRIX_SLOTS[0]].state is SlotState.PARAF_ONLY
