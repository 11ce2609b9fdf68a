"""The status dashboard and the follow-up lists against the article's day (acts built directly)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from signing.models import ActKind, AuditEntry, Notification, OfficeKind, Region, SlotRole
from signing.regions.importer import find_office
from signing.secretariat.dashboard import build_dashboard
from signing.secretariat.overview import load_overview
from signing.workflow.status import CommitmentState, SlotState, event_overview
from tests.secretariat.builders import KOTIM, NOT_STARTED, act
from tests.secretariat.conftest import flashes, page_token


def _row(html: str, code: str) -> str:
    match = re.search(rf'<tr data-region="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def _cell(row_html: str, slot: str) -> tuple[str, str]:
    match = re.search(
        rf'<td class="cell ([^"]*)" data-slot="{slot}" data-state="(\w+)"[^>]*>(.*?)</td>',
        row_html,
        re.S,
    )
    assert match, f"no cell {slot}"
    return match.group(2), " ".join(re.sub(r"<[^>]+>", " ", match.group(3)).split())


def _holder(db_session, kind: OfficeKind, code: str = "62") -> str:  # type: ignore[no-untyped-def]
    return find_office(db_session, code, kind).current_holder.name


def test_load_overview_agrees_with_event_overview(db_session, rakor, demo_event) -> None:
    mine, missing = load_overview(db_session, demo_event, with_offices=True)
    db_session.expunge_all()
    theirs = event_overview(db_session, demo_event.id)
    assert missing == []
    assert [(c.id, s.state, {r: x.state for r, x in s.slots.items()}) for c, s in mine] == [
        (c.id, s.state, {r: x.state for r, x in s.slots.items()}) for c, s in theirs
    ]
    assert [s.whose_turn for _c, s in mine] == [s.whose_turn for _c, s in theirs]


def test_totals_count_the_meeting_day(db_session, rakor, demo_event) -> None:
    board = build_dashboard(db_session, demo_event)
    regions = db_session.execute(
        sa.select(sa.func.count()).select_from(Region).where(Region.province_code == "62")
    ).scalar_one()
    started = regions - len(NOT_STARTED)
    assert board.total == regions
    assert board.complete == started - 1  # everyone but Kotawaringin Timur
    assert board.commitment_counts[CommitmentState.PARAF_OUTSTANDING] == 1
    assert board.commitment_counts[CommitmentState.DRAFT] == len(NOT_STARTED)
    assert board.paraf_only == 1
    totals = {t.role: t for t in board.slot_totals}
    assert totals[SlotRole.KEPALA_DAERAH].counts[SlotState.SIGNED] == started - 1
    assert totals[SlotRole.KEPALA_DAERAH].counts[SlotState.PARAF_ONLY] == 1
    assert totals[SlotRole.KEPALA_DAERAH].counts[SlotState.PENDING] == len(NOT_STARTED)
    for role in (SlotRole.KETUA_DPRD, SlotRole.GUBERNUR, SlotRole.SAKSI_WAKIL_GUBERNUR):
        assert totals[role].done == started
        assert totals[role].total == regions
    assert board.slots_done == 5 * started - 1


def test_dashboard_page_shows_kotawaringin_timur_paraf_with_both_witnesses(
    client, staff, db_session, rakor, demo_event
) -> None:
    html = client.get(f"/sekretariat/acara/{demo_event.id}").text
    row = _row(html, KOTIM)
    state, text = _cell(row, "kepala_daerah")
    assert state == "paraf_only"
    assert "paraf saja" in text
    assert "paraf oleh Wakil Bupati H.M. Taufik Mukri" in text
    for slot in ("saksi_wakil_gubernur", "saksi_ketua_dprd_provinsi"):
        state, text = _cell(row, slot)
        assert state == "signed"
        assert text.startswith("disaksikan")
        assert "atas paraf Wakil Bupati H.M. Taufik Mukri" in text
    assert _cell(row, "ketua_dprd")[0] == "signed"
    assert "ditandatangani" in _cell(row, "gubernur")[1]
    assert "tanda tangan terutang" in row
    # A region that has not started, and a complete one.
    assert all(
        _cell(_row(html, NOT_STARTED[0]), slot)[1] == "menunggu"
        for slot in ("kepala_daerah", "ketua_dprd", "gubernur")
    )
    assert "lengkap" in _row(html, "62.01")
    # Totals with progress bars, and the self-refresh hook.
    assert 'role="progressbar"' in html
    assert "data-refresh-url=" in html and "secretariat.js" in html


def test_refresh_fragment_and_json_carry_the_same_matrix(client, staff, rakor, demo_event) -> None:
    fragment = client.get(f"/sekretariat/acara/{demo_event.id}/matriks")
    assert fragment.status_code == 200
    assert fragment.headers["Cache-Control"] == "no-cache, private"
    assert "<html" not in fragment.text
    assert _cell(_row(fragment.text, KOTIM), "kepala_daerah")[0] == "paraf_only"
    data = client.get(f"/sekretariat/acara/{demo_event.id}/matriks?format=json").get_json()
    kotim = next(row for row in data["rows"] if row["region"] == KOTIM)
    assert kotim["cells"]["kepala_daerah"] == {
        "state": "paraf_only",
        "word": "paraf saja",
        "stand_in": "paraf oleh Wakil Bupati H.M. Taufik Mukri",
    }
    assert kotim["state"] == "paraf_outstanding"


def test_paraf_only_list_names_the_paraf_its_witnesses_and_the_owed_signature(
    client, staff, db_session, rakor, demo_event
) -> None:
    html = client.get(f"/sekretariat/acara/{demo_event.id}/tindak-lanjut").text
    section = html.split('id="paraf-saja"')[1].split('id="belum"')[0]
    rows = re.findall(r'<tr data-region="([^"]+)" data-slot="([^"]+)">(.*?)</tr>', section, re.S)
    assert [(code, slot) for code, slot, _ in rows] == [(KOTIM, "kepala_daerah")]
    text = " ".join(re.sub(r"<[^>]+>", " ", rows[0][2]).split())
    assert "Wakil Bupati H.M. Taufik Mukri" in text
    assert "wakil tanpa mandat (hanya paraf)" in text
    assert "24-10-2019 10.00 WIB" in text
    assert _holder(db_session, OfficeKind.WAKIL_GUBERNUR) in text
    assert _holder(db_session, OfficeKind.KETUA_DPRD_PROVINSI) in text
    assert _holder(db_session, OfficeKind.BUPATI, KOTIM) in text  # who owes the signature
    assert re.search(r"\d+ hari \d+ jam", text)
    assert "Kirim pengingat" in text


def test_pending_and_declined_lists(client, staff, db_session, rakor, demo_event) -> None:
    untouched = rakor[NOT_STARTED[0]]
    act(
        db_session,
        untouched,
        SlotRole.KETUA_DPRD,
        ActKind.DECLINE,
        reason="Butir 1 perlu dibahas ulang dengan DPRD",
    )
    db_session.commit()
    html = client.get(f"/sekretariat/acara/{demo_event.id}/tindak-lanjut").text
    pending = html.split('id="belum"')[1].split('id="ditolak"')[0]
    pending_rows = re.findall(r'<tr data-region="([^"]+)" data-slot="([^"]+)">', pending)
    # The two untouched regions: all five slots each; the declined one is not "pending".
    assert sorted(pending_rows) == sorted(
        (code, role.value) for code in NOT_STARTED[1:] for role in SlotRole
    )
    declined = html.split('id="ditolak"')[1]
    assert re.findall(r'<tr data-region="([^"]+)" data-slot="([^"]+)">', declined) == [
        (NOT_STARTED[0], "ketua_dprd")
    ]
    assert "Butir 1 perlu dibahas ulang dengan DPRD" in declined
    board = client.get(f"/sekretariat/acara/{demo_event.id}").text
    assert _cell(_row(board, NOT_STARTED[0]), "ketua_dprd")[0] == "declined"


def test_reminder_is_sent_for_an_open_slot_and_refused_for_a_done_one(
    client, staff, db_session, rakor, demo_event
) -> None:
    kotim = rakor[KOTIM]
    token = page_token(client)
    before = db_session.execute(sa.select(sa.func.count(Notification.id))).scalar_one()
    response = client.post(
        f"/sekretariat/komitmen/{kotim.id}/pengingat",
        data={"role": "kepala_daerah", "csrf_token": token},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert any("Pengingat untuk Bupati/Wali Kota" in m for m in flashes(response.text))
    db_session.rollback()  # end the read snapshot: see what the request committed
    after = db_session.execute(sa.select(sa.func.count(Notification.id))).scalar_one()
    assert after > before
    entry = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "reminder.send")
    ).scalar_one()
    assert entry.commitment_id == kotim.id and entry.details["role"] == "kepala_daerah"

    response = client.post(
        f"/sekretariat/komitmen/{kotim.id}/pengingat",
        data={"role": "gubernur", "csrf_token": token},
        follow_redirects=True,
    )
    assert any("Tidak ada yang perlu diingatkan" in m for m in flashes(response.text))
    count = db_session.execute(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "reminder.send")
    ).scalar_one()
    assert count == 1
