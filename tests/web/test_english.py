"""English on the officials' pages: refusals of an act, texts built in the views and the
script's texts. The audit log keeps the engine's Indonesian message."""

from __future__ import annotations

import re

from tests.test_english_locale import assert_english, js_texts

from .conftest import PASSPHRASE, audit_since, last_audit_id, sign_form
from .world import KAPUAS, KOBAR, KOTIM


def english(browser):  # type: ignore[no-untyped-def]
    assert browser.post("/bahasa/en").status_code == 302
    return browser


def test_a_wrong_passphrase_is_refused_in_english_and_audited_in_indonesian(
    world, make_browser, db_session
) -> None:
    bupati = english(make_browser("bupati-62.02"))
    start = last_audit_id(db_session)
    refused = bupati.post(
        f"/komitmen/{world[KOTIM]}/tindakan",
        sign_form("kepala_daerah:sign:holder", passphrase="salah-salah"),
    )
    assert refused.status_code == 422
    assert_english(
        refused.text,
        ["Wrong signing passphrase. Attempts left: 4."],
        ["Frasa sandi penandatanganan salah", "Sisa percobaan"],
    )
    entries = [e for e in audit_since(db_session, start) if e.action == "act.refused"]
    assert entries[-1].details["message"] == "Frasa sandi penandatanganan salah. Sisa percobaan: 4."


def test_a_double_submit_and_a_missing_passphrase_are_refused_in_english(
    world, make_browser
) -> None:
    bupati = english(make_browser("bupati-62.02"))
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    assert bupati.post(url, sign_form("kepala_daerah:sign:holder")).status_code == 303
    again = bupati.post(url, sign_form("kepala_daerah:sign:holder"))
    assert again.status_code == 409
    assert_english(again.text, ["Already signed."], ["Sudah ditandatangani sebelumnya."])
    ketua = english(make_browser("ketua-dprd-62.02"))
    empty = ketua.post(url, sign_form("ketua_dprd:sign:holder", passphrase=""))
    assert empty.status_code == 422
    assert_english(
        empty.text,
        ["Enter your signing passphrase."],
        ["Masukkan frasa sandi penandatanganan Anda."],
    )


def test_the_signing_page_and_its_script_texts_in_english(world, make_browser) -> None:
    url = f"/komitmen/{world[KOTIM]}"
    indonesian = make_browser("bupati-62.02").get(url).text
    assert "Anda menandatangani Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur" in (
        indonesian
    )
    assert js_texts(indonesian)["processing"] == "Memproses…"
    page = english(make_browser("bupati-62.02")).get(url)
    assert page.status_code == 200
    assert_english(
        page.text,
        [
            "You sign Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur as ",
            'data-submit="Sign"',
        ],
        ["Anda menandatangani", 'data-submit="Tanda tangani"'],
    )
    texts = js_texts(page.text)
    assert texts["processing"] == "Processing…"
    assert texts["bulk_done"] == "{signed} of {total} documents signed."
    assert texts["signed_badge"] == "✓ Signed"


def test_bulk_signing_answers_in_english(world, make_browser) -> None:
    gubernur = english(make_browser("gubernur"))
    headers = {"Accept": "application/json"}
    data = {"item": f"{world[KOBAR]}:gubernur", "passphrase": PASSPHRASE, "confirm": "1"}
    first = gubernur.post("/kotak-masuk/tanda-tangan", data, headers=headers)
    assert first.json["message"] == "Signed."
    again = gubernur.post("/kotak-masuk/tanda-tangan", data, headers=headers)
    assert again.status_code == 409
    assert again.json["message"] == "Already done: Already signed."
    wrong = gubernur.post(
        "/kotak-masuk/tanda-tangan",
        data | {"item": f"{world[KAPUAS]}:gubernur", "passphrase": "salah-sekali"},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert re.fullmatch(r"Wrong signing passphrase\. Attempts left: \d+\.", wrong.json["message"])
    assert js_texts(gubernur.get("/kotak-masuk").text)["selected"] == "{count} documents selected."


def test_the_inbox_states_and_turns_in_english(world, make_browser) -> None:
    indonesian = make_browser("bupati-62.02").get("/kotak-masuk").text
    assert "Giliran Anda; juga ditunggu: Ketua DPRD Kabupaten Kotawaringin Timur" in indonesian
    assert "Belum ada tindakan" in indonesian
    page = english(make_browser("bupati-62.02")).get("/kotak-masuk")
    assert_english(
        page.text,
        ["Your turn; also awaited: Ketua DPRD Kabupaten Kotawaringin Timur", "No action yet"],
        ["Giliran Anda", "Belum ada tindakan", "(Pejabat)"],
    )
    assert "(Official)" in page.text  # the role beside the name in the top bar


def test_the_secretariat_matrix_and_timeline_in_english(world, make_browser, db_session) -> None:
    import sqlalchemy as sa

    from signing.models import Event

    event_id = db_session.execute(sa.select(Event.id)).scalars().first()
    secretariat = make_browser("sekretariat")
    assert "belum ada tindakan" in secretariat.get(f"/sekretariat/acara/{event_id}").text
    english(secretariat)
    # The matrix's words and the timeline's come from signing.secretariat.words.
    dashboard = secretariat.get(f"/sekretariat/acara/{event_id}").text
    assert_english(dashboard, ["no action yet"], ["belum ada tindakan"])
    commitment = secretariat.get(f"/sekretariat/komitmen/{world[KOTIM]}").text
    assert_english(commitment, ["Document created", "no action yet"], ["belum ada tindakan"])
