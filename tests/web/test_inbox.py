"""The inbox ("Perlu tindakan Anda") and signing many commitments with one passphrase entry."""

from __future__ import annotations

import re

import sqlalchemy as sa

from signing.models import ActKind, AuditEntry, Commitment, SlotRole
from signing.workflow.status import CommitmentState, commitment_status

from .conftest import PASSPHRASE, acts_of, audit_since, last_audit_id
from .world import KAPUAS, KOBAR, KOTIM

ITEM = re.compile(r'name="item" value="([^"]+)"')


def _section(html: str, heading: str) -> str:
    start = html.index(heading)
    return html[start : start + 20000]


def test_the_gubernur_sees_what_waits_for_him_and_what_waits_for_others(world, make_browser):
    page = make_browser("gubernur").get("/kotak-masuk")
    assert page.status_code == 200
    action = page.text.split('id="menunggu"')[0]
    # Kotawaringin Barat and Kapuas: both regional parties signed, so it is his turn.
    assert "Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Barat" in action
    assert "Komitmen Bersama PTSP Prima Kabupaten Kapuas" in action
    assert "Tanda tangan sebagai Gubernur Kalimantan Tengah" in action
    assert sorted(ITEM.findall(page.text)) == sorted(
        [f"{world[KOBAR]}:gubernur", f"{world[KAPUAS]}:gubernur"]
    )
    assert "Pilih semua" in page.text
    waiting = _section(page.text, 'id="menunggu"')
    assert "Kotawaringin Timur" in waiting and "Palangka Raya" in waiting
    assert "Menunggu Bupati Kotawaringin Timur dan Ketua DPRD Kabupaten Kotawaringin Timur" in (
        waiting
    )


def test_a_wakil_bupati_finds_the_paraf_and_then_the_owed_signature(world, make_browser) -> None:
    wakil = make_browser("wakil-bupati-62.02")
    page = wakil.get("/kotak-masuk")
    assert "Paraf mewakili Bupati Kotawaringin Timur (tanpa mandat: paraf saja)" in page.text
    assert 'name="item"' not in page.text  # nothing to sign in bulk
    wakil.post(
        f"/komitmen/{world[KOTIM]}/tindakan",
        {"choice": "kepala_daerah:paraf:stand_in", "passphrase": PASSPHRASE, "confirm": "1"},
    )
    page = wakil.get("/kotak-masuk")
    assert "Tidak ada dokumen yang menunggu tindakan Anda" in page.text
    done = _section(page.text, 'id="selesai"')
    assert "Kotawaringin Timur" in done and "Paraf" in done
    assert "Menunggu Bupati Kotawaringin Timur" in done
    # The Bupati's inbox now says his signature is owed after the paraf.
    bupati = make_browser("bupati-62.02").get("/kotak-masuk")
    assert "paraf H.M. Taufik Mukri sudah ada" in bupati.text


def test_witnesses_are_asked_once_a_party_has_acted(world, make_browser) -> None:
    page = make_browser("wakil-gubernur").get("/kotak-masuk")
    action = page.text.split('id="menunggu"')[0]
    assert "Saksi sebagai Wakil Gubernur Kalimantan Tengah" in action
    assert "Kotawaringin Barat" in action
    # Stand-in paraf for the Gubernur is offered, but only as a side note.
    assert "Anda juga dapat: paraf mewakili gubernur kalimantan tengah" in action
    waiting = _section(page.text, 'id="menunggu"')
    assert "Kotawaringin Timur" in waiting


def test_bulk_signing_without_javascript_signs_each_in_its_own_act(
    world, make_browser, db_session
) -> None:
    gubernur = make_browser("gubernur")
    start = last_audit_id(db_session)
    response = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        {
            "item": [f"{world[KOBAR]}:gubernur", f"{world[KAPUAS]}:gubernur"],
            "passphrase": PASSPHRASE,
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    assert "2 dari 2 dokumen ditandatangani" in response.text
    for code in (KOBAR, KAPUAS):
        acts = [a for a in acts_of(db_session, world[code]) if a.kind is ActKind.SIGN]
        assert len(acts) == 3  # Bupati, Ketua DPRD, Gubernur
        commitment = db_session.get(Commitment, world[code])
        assert commitment_status(commitment).slots[SlotRole.GUBERNUR].state.value == "signed"
    entries = audit_since(db_session, start)
    signs = [e for e in entries if e.action == "act.sign"]
    assert len(signs) == 2
    assert {e.commitment_id for e in signs} == {world[KOBAR], world[KAPUAS]}


def test_one_failure_in_a_bulk_run_does_not_undo_the_others(world, make_browser, db_session):
    gubernur = make_browser("gubernur")
    response = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        {
            # Kotawaringin Timur is not the Gubernur's turn yet; the other two are.
            "item": [
                f"{world[KOBAR]}:gubernur",
                f"{world[KOTIM]}:gubernur",
                f"{world[KAPUAS]}:gubernur",
            ],
            "passphrase": PASSPHRASE,
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    assert "2 dari 3 dokumen ditandatangani" in response.text
    assert "Belum giliran Anda" in response.text
    assert [a.kind for a in acts_of(db_session, world[KOTIM])] == []
    assert len(acts_of(db_session, world[KAPUAS])) == 3


def test_a_wrong_passphrase_stops_the_bulk_run_at_once(world, make_browser, db_session) -> None:
    gubernur = make_browser("gubernur")
    start = last_audit_id(db_session)
    response = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        {
            "item": [f"{world[KOBAR]}:gubernur", f"{world[KAPUAS]}:gubernur"],
            "passphrase": "bukan-ini",
            "confirm": "1",
        },
    )
    assert response.status_code == 422
    assert "Frasa sandi penandatanganan salah" in response.text
    assert "Tidak diproses" in response.text
    failed = [e for e in audit_since(db_session, start) if e.action == "pki.passphrase_failed"]
    assert len(failed) == 1  # not once per document
    assert len(acts_of(db_session, world[KOBAR])) == 2


def test_bulk_signing_with_javascript_posts_one_commitment_per_request(
    world, make_browser, db_session
) -> None:
    gubernur = make_browser("gubernur")
    headers = {"Accept": "application/json"}
    data = {"item": f"{world[KOBAR]}:gubernur", "passphrase": PASSPHRASE, "confirm": "1"}
    first = gubernur.post("/kotak-masuk/tanda-tangan", data, headers=headers)
    assert first.status_code == 200
    assert first.json["ok"] is True
    assert first.json["title"] == "Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Barat"
    again = gubernur.post("/kotak-masuk/tanda-tangan", data, headers=headers)
    assert again.status_code == 409
    assert again.json["message"].startswith("Sudah dilakukan")
    wrong = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        data | {"item": f"{world[KAPUAS]}:gubernur", "passphrase": "salah-sekali"},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json["stop"] is True
    two = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        data | {"item": [f"{world[KOBAR]}:gubernur", f"{world[KAPUAS]}:gubernur"]},
        headers=headers,
    )
    assert two.status_code == 422
    signs = db_session.execute(
        sa.select(sa.func.count(AuditEntry.id)).where(
            AuditEntry.action == "act.sign", AuditEntry.commitment_id == world[KOBAR]
        )
    ).scalar()
    assert signs == 3


def test_bulk_answers_json_when_the_session_has_ended(world, make_browser) -> None:
    anonymous = make_browser()
    response = anonymous.post(
        "/kotak-masuk/tanda-tangan",
        {"item": f"{world[KOBAR]}:gubernur", "passphrase": PASSPHRASE, "confirm": "1"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 401
    assert response.json["code"] == "session_expired"


def test_select_all_works_without_javascript(world, make_browser) -> None:
    page = make_browser("gubernur").get("/kotak-masuk?pilih=semua")
    boxes = re.findall(r'<input type="checkbox" name="item" value="[^"]+"[^>]*>', page.text)
    assert len(boxes) == 2 and all("checked" in box for box in boxes)


def test_the_inbox_tells_an_official_without_a_key_to_enrol(world, make_browser) -> None:
    page = make_browser("bupati-62.04").get("/kotak-masuk")
    assert "Anda belum memiliki kunci tanda tangan" in page.text
    assert "/kunci-tanda-tangan" in page.text


def test_complete_commitments_move_to_done(world, make_browser, db_session) -> None:
    gubernur = make_browser("gubernur")
    gubernur.post(
        "/kotak-masuk/tanda-tangan",
        {"item": f"{world[KOBAR]}:gubernur", "passphrase": PASSPHRASE, "confirm": "1"},
    )
    for username, role in (
        ("wakil-gubernur", "saksi_wakil_gubernur"),
        ("ketua-dprd-provinsi", "saksi_ketua_dprd_provinsi"),
    ):
        response = make_browser(username).post(
            f"/komitmen/{world[KOBAR]}/tindakan",
            {"choice": f"{role}:witness:holder", "passphrase": PASSPHRASE, "confirm": "1"},
        )
        assert response.status_code == 303
    commitment = db_session.get(Commitment, world[KOBAR])
    db_session.refresh(commitment)
    assert commitment_status(commitment).state is CommitmentState.COMPLETE
    page = gubernur.get("/kotak-masuk")
    done = _section(page.text, 'id="selesai"')
    assert "Kotawaringin Barat" in done and "Lengkap" in done
    assert "Kota Palangka Raya" not in page.text.split('id="menunggu"')[0]


def test_bulk_answers_do_not_tell_other_regions_titles(world, make_browser) -> None:
    """An official names another region's commitment in a bulk request: the refusal names
    only its number, in the JSON answer and on the page without JavaScript."""
    bupati = make_browser("bupati-62.02")
    other = world[KOBAR]
    data = {"item": f"{other}:kepala_daerah", "passphrase": PASSPHRASE, "confirm": "1"}
    answer = bupati.post("/kotak-masuk/tanda-tangan", data, headers={"Accept": "application/json"})
    assert answer.json["ok"] is False
    assert answer.json["title"] == f"Dokumen {other}"
    page = bupati.post("/kotak-masuk/tanda-tangan", data | {"item": f"{other}:gubernur"})
    assert "Kotawaringin Barat" not in page.text
    assert f"Dokumen {other}" in page.text
    own = bupati.post(
        "/kotak-masuk/tanda-tangan",
        data | {"item": f"{world[KOTIM]}:kepala_daerah", "passphrase": "salah-sekali"},
        headers={"Accept": "application/json"},
    )
    assert own.json["title"] == "Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur"
