"""The meeting in the source article, in Chromium: enrol, paraf, witnesses, the Bupati's
signature, the Gubernur's bulk signing; then a signing-desk round with two officials."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
import sqlalchemy as sa

from signing.models import Act, ActKind, Capacity, Commitment, SlotRole
from signing.pades.verify import signed_field_names
from signing.workflow.routing import SlotState
from signing.workflow.status import commitment_status

from .conftest import BARSEL, BARUT, KAPUAS, KOBAR, KOTIM, PALANGKA, PASSPHRASE, login, logout, shot

pytestmark = pytest.mark.browser
NEW_PASSPHRASE = "paraf-untuk-sampit"


def _acts(live, code: str) -> list[Act]:  # type: ignore[no-untyped-def]
    session = live.session()
    try:
        return list(
            session.execute(
                sa.select(Act)
                .where(Act.commitment_id == live.ids[code], Act.kind != ActKind.SEAL)
                .order_by(Act.id)
            ).scalars()
        )
    finally:
        session.close()


def _status(live, code: str):  # type: ignore[no-untyped-def]
    session = live.session()
    try:
        return commitment_status(session.get(Commitment, live.ids[code]))
    finally:
        session.close()


def _sign_on_page(page: Any, passphrase: str = PASSPHRASE, *, double: bool = False) -> None:
    page.get_by_label("Frasa sandi penandatanganan").fill(passphrase)
    page.get_by_label("Saya telah membaca dokumen ini").check()
    button = page.locator("form[data-sign-form] [data-submit-button]")
    if double:
        button.dblclick()
    else:
        button.click()
    page.wait_for_selector("#hasil")


def test_the_rakor_scene_and_bulk_signing(live, chromium) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A script or style the Content-Security-Policy blocked shows only on the console.
    page.on(
        "console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    external: list[str] = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith((live.url, "data:", "blob:"))
            else None
        ),
    )

    # --- the Wakil Bupati of Kotawaringin Timur logs in and enrols -------------------------
    login(page, live, "wakil-bupati-62.02")
    page.goto(live.url + "/kotak-masuk")
    expect(page.get_by_text("Anda belum memiliki kunci tanda tangan")).to_be_visible()
    shot(page, "01-kotak-masuk-wakil-bupati-1280")
    page.get_by_role("link", name="Tetapkan frasa sandi penandatanganan").click()
    page.get_by_label("Frasa sandi penandatanganan", exact=True).fill(NEW_PASSPHRASE)
    page.get_by_label("Ulangi frasa sandi").fill(NEW_PASSPHRASE)
    shot(page, "02-pendaftaran-kunci-1280")
    page.get_by_role("button", name="Terbitkan sertifikat saya").click()
    expect(page.get_by_text("Sertifikat tanda tangan Anda telah diterbitkan")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("CN=H.M. Taufik Mukri")
    shot(page, "03-sertifikat-1280")
    page.set_viewport_size({"width": 800, "height": 1100})
    shot(page, "03-sertifikat-800")
    page.set_viewport_size({"width": 1280, "height": 900})

    # --- paraf: the only choice he has, with the reason -------------------------------------
    page.goto(live.url + "/kotak-masuk")
    page.get_by_role("link", name=re.compile("Buka & paraf")).click()
    radios = page.locator("input[name=choice]")
    expect(radios).to_have_count(1)
    expect(radios.first).to_be_checked()
    expect(page.locator("#kalimat-tindakan")).to_contain_text(
        "Anda memaraf Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur mewakili Bupati "
        "Kotawaringin Timur"
    )
    expect(page.locator("#catatan-wakil")).to_contain_text("hanya dapat memaraf")
    mark = page.locator(".mark.is-active")
    expect(mark).to_have_count(1)
    mark.scroll_into_view_if_needed()
    expect(mark).to_be_visible()
    shot(page, "04-halaman-paraf-1280")
    page.set_viewport_size({"width": 800, "height": 1100})
    shot(page, "05-halaman-paraf-800")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "06-halaman-paraf-390")
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.set_viewport_size({"width": 1280, "height": 900})
    # A wrong passphrase first: a clear message, nothing signed.
    page.get_by_label("Frasa sandi penandatanganan").fill("bukan-frasanya")
    page.get_by_label("Saya telah membaca dokumen ini").check()
    page.locator("form[data-sign-form] [data-submit-button]").click()
    expect(page.locator("#galat")).to_contain_text("Frasa sandi penandatanganan salah")
    assert _acts(live, KOTIM) == []
    _sign_on_page(page, NEW_PASSPHRASE)
    expect(page.locator("#hasil")).to_contain_text("Paraf Anda telah dibubuhkan")
    shot(page, "07-paraf-tercatat-1280")
    [paraf] = _acts(live, KOTIM)
    assert paraf.kind is ActKind.PARAF and paraf.capacity is Capacity.STAND_IN
    logout(page)

    # --- both witnesses attest the paraf; a double click signs once --------------------------
    for username in ("wakil-gubernur", "ketua-dprd-provinsi"):
        login(page, live, username)
        page.goto(f"{live.url}/komitmen/{live.ids[KOTIM]}")
        expect(page.locator("#attests")).to_contain_text("Paraf oleh H.M. Taufik Mukri")
        expect(page.locator("#kalimat-tindakan")).to_contain_text(
            "Anda menyaksikan paraf H.M. Taufik Mukri"
        )
        if username == "wakil-gubernur":
            shot(page, "08-halaman-saksi-1280")
        _sign_on_page(page, double=True)
        logout(page)
    witnesses = [a for a in _acts(live, KOTIM) if a.kind is ActKind.WITNESS]
    assert len(witnesses) == 2
    assert all(w.attests_act_id == paraf.id for w in witnesses)

    # --- the Bupati signs; the choice drives sentence, fields and highlight ----------------
    login(page, live, "bupati-62.02")
    page.goto(f"{live.url}/komitmen/{live.ids[KOTIM]}")
    expect(page.locator("#kalimat-tindakan")).to_have_text(
        "Anda menandatangani Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur sebagai "
        "Bupati Kotawaringin Timur."
    )
    page.get_by_role("radio", name=re.compile("^Tolak")).check()
    expect(page.get_by_label("Alasan penolakan")).to_be_visible()
    # A decline is an act: it asks for the passphrase too (issue 15); the note is for other acts.
    expect(page.get_by_label("Frasa sandi penandatanganan")).to_be_visible()
    expect(page.locator("#note")).to_be_hidden()
    expect(page.locator(".mark.is-active")).to_have_count(0)
    expect(page.locator("form[data-sign-form] [data-submit-button]")).to_have_text("Tolak dokumen")
    page.get_by_role("radio", name=re.compile("^Tanda tangan")).check()
    expect(page.locator(".mark.is-active")).to_have_count(1)
    # Keyboard: passphrase, confirmation, button in that order, and the focus is visible.
    page.get_by_label("Frasa sandi penandatanganan").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "confirm"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-submit-button')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    _sign_on_page(page)
    expect(page.locator("#hasil")).to_contain_text("Tanda tangan Anda telah dibubuhkan")
    with page.expect_download() as download_info:
        page.locator("#hasil").get_by_role("link", name="Unduh PDF terbaru").click()
    pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115 - read once
    session = live.session()
    commitment = session.get(Commitment, live.ids[KOTIM])
    fields = {commitment.slot(r).field_name for r in SlotRole if r is not SlotRole.GUBERNUR}
    fields.discard(commitment.slot(SlotRole.KETUA_DPRD).field_name)
    session.close()
    assert fields <= signed_field_names(pdf)
    assert _status(live, KOTIM).slots[SlotRole.KEPALA_DAERAH].state is SlotState.SIGNED
    logout(page)

    # --- the Gubernur signs several at once, with progress ---------------------------------
    login(page, live, "gubernur")
    page.goto(live.url + "/kotak-masuk")
    shot(page, "09-kotak-masuk-gubernur-1280")
    page.get_by_role("checkbox", name=re.compile("^Pilih semua")).check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 dokumen dipilih.")
    page.locator("form[data-bulk-form] input[name=passphrase]").fill(PASSPHRASE)
    page.locator("form[data-bulk-form] input[name=confirm]").check()
    page.get_by_role("button", name="Tanda tangani yang dipilih").click()
    # The run ends by drawing the inbox again: the summary stays, nothing waits any more.
    summary = page.locator("#bulk-summary")
    expect(summary).to_contain_text("3 dari 3 dokumen ditandatangani.", timeout=30_000)
    expect(summary.locator("li.ok")).to_have_count(3)
    expect(page.locator("form[data-bulk-form]")).to_have_count(0)
    main = page.locator("main")
    expect(main).to_contain_text("Tidak ada dokumen yang menunggu tindakan Anda saat ini.")
    expect(main).not_to_contain_text("dokumen menunggu Anda")
    expect(main).not_to_contain_text("Giliran Anda")
    expect(main.get_by_role("button", name="Tanda tangani yang dipilih")).to_have_count(0)
    shot(page, "10-tanda-tangan-massal-1280")
    for code in (KOBAR, KAPUAS, BARSEL):
        assert _status(live, code).slots[SlotRole.GUBERNUR].state is SlotState.SIGNED
        assert [a.kind for a in _acts(live, code)].count(ActKind.SIGN) == 3
    page.set_viewport_size({"width": 800, "height": 1100})
    page.goto(live.url + "/kotak-masuk")
    shot(page, "11-kotak-masuk-gubernur-800")
    logout(page)

    assert errors == []
    assert external == []
    context.close()


def _session_data(live, context) -> dict:  # type: ignore[no-untyped-def]
    cookie = next(c for c in context.cookies() if c["name"] == "signing_session")
    serializer = live.app.session_interface.get_signing_serializer(live.app)
    return serializer.loads(cookie["value"])


def test_a_desk_round_with_two_officials(live, chromium) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # A tablet in the meeting room.
    context = chromium.new_context(viewport={"width": 800, "height": 1100}, locale="id-ID")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A script or style the Content-Security-Policy blocked shows only on the console.
    page.on(
        "console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None
    )
    login(page, live, "sekretariat")
    page.goto(live.url + "/meja")
    shot(page, "20-meja-pilih-acara-800")
    page.get_by_role("button", name=re.compile("Buka meja")).click()
    expect(page.get_by_role("heading", name="Pejabat berikutnya: silakan masuk")).to_be_visible()
    shot(page, "21-meja-papan-800")
    staff = _session_data(live, context)

    # --- first official: Ketua DPRD Barito Utara -------------------------------------------
    page.get_by_label("Nama pengguna").fill("ketua-dprd-62.05")
    page.get_by_label("Kata sandi masuk").fill("kata-sandi-uji-123")
    page.get_by_role("button", name="Masuk untuk bertindak").click()
    expect(page.locator(".desk-official")).to_contain_text("Anda masuk sebagai")
    first_name = page.locator(".desk-official strong").inner_text()
    first_grant = page.locator(".desk-official input[name=grant]").input_value()
    page.get_by_role("button", name=re.compile("Buka.*Barito Utara")).click()
    expect(page.locator("#kalimat-tindakan")).to_contain_text("Kabupaten Barito Utara")
    shot(page, "22-meja-langkah-800")
    # Nothing of the official is in the device's session while they act.
    assert _session_data(live, context) == staff
    _sign_on_desk(page)
    expect(page.locator("#hasil")).to_contain_text("telah keluar otomatis")
    expect(page.locator(".desk-official")).to_have_count(0)
    shot(page, "23-meja-selesai-800")
    after = _session_data(live, context)
    assert set(after) == set(staff)
    assert after["_user_id"] == staff["_user_id"]
    assert after["signing_desk"]["id"] == staff["signing_desk"]["id"]
    assert json.dumps(after).count(first_name) == 0

    # --- second official: Wali Kota Palangka Raya -----------------------------------------
    page.get_by_label("Nama pengguna").fill("walikota-62.71")
    page.get_by_label("Kata sandi masuk").fill("kata-sandi-uji-123")
    page.get_by_role("button", name="Masuk untuk bertindak").click()
    banner = page.locator(".desk-official")
    expect(banner).to_contain_text("Anda masuk sebagai")
    expect(banner).not_to_contain_text(first_name)
    expect(page.get_by_text("Barito Utara")).to_have_count(0)
    second_grant = page.locator(".desk-official input[name=grant]").input_value()
    assert second_grant != first_grant
    # The first official's grant is spent: the second cannot act with it.
    status = page.evaluate(
        """async ([grant, id]) => {
            const token = document.querySelector('input[name=csrf_token]').value;
            const body = new URLSearchParams({csrf_token: token, grant: grant, commitment_id: id});
            const response = await fetch('/meja/langkah', {method: 'POST', body: body});
            return response.status;
        }""",
        [first_grant, str(live.ids[BARUT])],
    )
    assert status in (401, 409)
    page.get_by_role("button", name=re.compile("Buka.*Palangka Raya")).click()
    _sign_on_desk(page)
    expect(page.locator("#hasil")).to_contain_text("telah keluar otomatis")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "24-meja-papan-1280")

    barut = _acts(live, BARUT)
    palangka = _acts(live, PALANGKA)
    assert [(a.kind, a.actor_name) for a in barut] == [(ActKind.SIGN, first_name)]
    assert len(palangka) == 1 and palangka[0].actor_name != first_name
    # Going back cannot bring an official's step back: the step was the answer to a POST and
    # is not stored (no-store), so Chromium has nothing to show without resubmitting.
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.go_back()
    except PlaywrightError as error:
        assert "ERR_CACHE_MISS" in str(error)
    expect(page.locator(".desk-official")).to_have_count(0)
    assert errors == []
    context.close()


def _sign_on_desk(page: Any) -> None:
    page.get_by_label("Frasa sandi penandatanganan").fill(PASSPHRASE)
    page.get_by_label("Saya telah membaca dokumen ini").check()
    page.locator("form[data-sign-form] [data-submit-button]").click()
    page.wait_for_selector("#hasil")


def test_screenshots_are_real_images() -> None:
    from .conftest import SCREENSHOTS

    pngs = sorted(SCREENSHOTS.glob("*.png"))
    if not pngs:
        pytest.skip("no screenshots (browser tests did not run)")
    for path in pngs:
        head = path.read_bytes()[:8]
        assert head == base64.b64decode("iVBORw0KGgo="), path
