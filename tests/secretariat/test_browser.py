"""In real Chromium: the dashboard refreshes itself while the meeting runs, readable at tablet
width; "generate all" drives batches with a progress bar. Skipped only without Chromium."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from signing.models import ActKind, Commitment, Event, SlotRole
from tests.conftest import TEST_PASSWORD
from tests.secretariat.builders import KOTIM, MEETING, act, rakor_direct

pytestmark = pytest.mark.browser


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture()
def live(app, kalteng) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if chromium_path() is None:
        pytest.skip("Chromium tidak terpasang (/usr/bin/chromium)")
    app.config["SECRETARIAT_REFRESH_SECONDS"] = 1
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture()
def page(live):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 800, "height": 1100})
        # Anything the Content-Security-Policy blocks shows only on the console.
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(live + "/masuk")
        page.get_by_label("Nama pengguna").fill("sekretariat")
        page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(lambda url: "/masuk" not in url)
        try:
            yield page
            assert blocked == []
        finally:
            browser.close()


def test_dashboard_refreshes_itself_and_fits_a_tablet(live, page, db_session) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    commitments = rakor_direct(db_session, event)
    db_session.commit()
    page.goto(f"{live}/sekretariat/acara/{event.id}")
    cell = page.locator(f'tr[data-region="{KOTIM}"] td[data-slot="kepala_daerah"]')
    expect(cell).to_contain_text("paraf saja")
    expect(cell).to_contain_text("paraf oleh Wakil Bupati H.M. Taufik Mukri")
    # Nothing of the matrix is cut off at 800 px: the last column ends inside the viewport.
    right = page.evaluate(
        "() => document.querySelector('table.matrix tr th:last-child')"
        ".getBoundingClientRect().right"
    )
    assert right <= 800

    # The Bupati signs elsewhere; the open page shows it without a reload.
    act(
        db_session,
        commitments[KOTIM],
        SlotRole.KEPALA_DAERAH,
        ActKind.SIGN,
        at=MEETING + dt.timedelta(days=2),
    )
    db_session.commit()
    expect(cell).to_have_attribute("data-state", "signed", timeout=15000)
    expect(cell).to_contain_text("ditandatangani")
    expect(page.locator(f'tr[data-region="{KOTIM}"]')).to_contain_text("lengkap")
    expect(page.locator("#refresh-note")).to_contain_text("Diperbarui")


def test_generate_all_shows_progress_and_makes_every_document(live, page, db_session) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    event = db_session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
    page.goto(f"{live}/sekretariat/acara/{event.id}/persiapan")
    page.get_by_role("button", name="Buat semua dokumen").click()
    progress = page.locator("form.js-batch .batch-text").first
    expect(progress).to_contain_text("selesai", timeout=120000)
    expect(progress).to_contain_text("14 dari 14 wilayah")
    db_session.rollback()
    made = db_session.execute(
        sa.select(sa.func.count(Commitment.id)).where(
            Commitment.event_id == event.id, Commitment.current_sha256.is_not(None)
        )
    ).scalar_one()
    assert made == 14
    # The page reloads itself once done; the checklist then counts the documents.
    expect(page.locator("#kesiapan")).to_contain_text("14 dari 14 beres", timeout=10000)
