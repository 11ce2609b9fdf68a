"""Every main page, as each role, at phone (390x844), tablet (768x1024) and desktop (1366x768):
the page is never wider than the screen; on the QR status page and the secretariat's commitment
page every party's and witness's state is inside the viewport without sideways scrolling; the
top bar says who is logged in and shows that its links scroll.

One browser for the module, one logged-in context per role, resized per viewport. Screenshots
of every page at every size go to ``test-artifacts/screenshots/responsive-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from signing.models import Commitment, Event
from tests.browser.conftest import KOBAR, KOTIM, PALANGKA, Live, login, shot

VIEWPORTS = ((390, 844), (768, 1024), (1366, 768))

# Which pages assert each party's state too (the ones people read on a phone in the room).
PARTY_PAGES = {"v-kode", "sek-komitmen"}


def _pages(live: Live) -> dict[str, list[tuple[str, str]]]:
    session = live.session()
    try:
        event_id = session.execute(sa.select(Event.id)).scalars().first()
        code = session.get(Commitment, live.ids[KOBAR]).code
    finally:
        session.close()
    kobar, kotim = live.ids[KOBAR], live.ids[KOTIM]
    return {
        "pengunjung": [
            ("masuk", "/masuk"),
            ("verifikasi", "/verifikasi"),
            ("v-kode", f"/v/{code}"),
        ],
        "pejabat": [
            ("kotak-masuk", "/kotak-masuk"),
            ("kunci", "/kunci-tanda-tangan"),
            ("komitmen", f"/komitmen/{kobar}"),
            ("komitmen-kotim", f"/komitmen/{kotim}"),
        ],
        "sekretariat": [
            ("acara", "/sekretariat/"),
            ("dasbor", f"/sekretariat/acara/{event_id}"),
            ("tindak-lanjut", f"/sekretariat/acara/{event_id}/tindak-lanjut"),
            ("persiapan", f"/sekretariat/acara/{event_id}/persiapan"),
            ("sek-komitmen", f"/sekretariat/komitmen/{kobar}"),
            ("cetak", f"/cetak/acara/{event_id}"),
            ("mandat", "/sekretariat/mandat"),
            ("mcp", "/sekretariat/mcp"),
            ("acara-baru", "/sekretariat/acara/baru"),
            ("meja", "/meja"),
        ],
        "admin": [
            ("pengguna", "/admin/pengguna"),
            ("audit", "/admin/audit"),
        ],
    }


ACCOUNTS = {"pejabat": "gubernur", "sekretariat": "sekretariat", "admin": "admin"}


@pytest.fixture(scope="module")
def contexts(live: Live, chromium: Any) -> Iterator[dict[str, Any]]:
    """One context per role, logged in once."""
    made: dict[str, Any] = {}
    try:
        for role in ("pengunjung", *ACCOUNTS):
            context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
            page = context.new_page()
            if role in ACCOUNTS:
                login(page, live, ACCOUNTS[role])
            made[role] = page
        yield made
    finally:
        for page in made.values():
            page.context.close()


_GEOMETRY = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const inside = (el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= -0.5 && r.right <= width + 0.5;
    };
    const nav = document.querySelector('.topbar nav');
    const who = document.querySelector('.account .who');
    const navStyle = nav ? getComputedStyle(nav) : null;
    return {
        scrollWidth: root.scrollWidth,
        width: width,
        widest: Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right > width + 0.5)
            .filter((el) => {
                // Inside a frame that scrolls or clips: that frame is what counts.
                for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
                    if (getComputedStyle(up).overflowX !== 'visible') return false;
                }
                return true;
            })
            .slice(0, 3)
            .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
                + ' "' + (el.textContent || '').trim().slice(0, 30) + '"'),
        navScrolls: nav ? nav.scrollWidth > nav.clientWidth : false,
        navScrollable: navStyle ? ['auto', 'scroll'].includes(navStyle.overflowX) : false,
        navCue: navStyle ? navStyle.backgroundImage.includes('gradient') : false,
        whoVisible: who ? inside(who) && who.textContent.trim().length > 0 : null,
        parties: Array.from(document.querySelectorAll('[data-party] [data-state]')).map((el) => ({
            text: el.textContent.trim(),
            inside: inside(el),
        })),
    };
}"""


def test_every_main_page_fits_phone_tablet_and_desktop(live: Live, contexts) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    checked = 0
    for width, height in VIEWPORTS:
        for role, pages in _pages(live).items():
            page = contexts[role]
            page.set_viewport_size({"width": width, "height": height})
            for name, path in pages:
                response = page.goto(live.url + path)
                assert response is not None and response.status == 200, (role, path)
                where = f"{role} {path} @{width}px"
                found = page.evaluate(_GEOMETRY)
                checked += 1
                if found["scrollWidth"] > found["width"]:
                    problems.append(
                        f"{where}: halaman {found['scrollWidth']} px > {found['width']} px "
                        f"({', '.join(found['widest'])})"
                    )
                if found["navScrolls"] and not (found["navScrollable"] and found["navCue"]):
                    problems.append(f"{where}: navigasi terpotong tanpa tanda dapat digeser")
                if role in ACCOUNTS and not found["whoVisible"]:
                    problems.append(f"{where}: nama pengguna yang masuk tidak terlihat")
                if name in PARTY_PAGES:
                    if len(found["parties"]) < 5:
                        problems.append(f"{where}: {len(found['parties'])} pihak/saksi, bukan 5")
                    for party in found["parties"]:
                        if not party["text"] or not party["inside"]:
                            problems.append(f"{where}: status '{party['text']}' di luar layar")
                shot(page, f"responsive-{width}-{role}-{name}")
    assert checked == len(VIEWPORTS) * sum(len(p) for p in _pages(live).values())
    assert not problems, "\n".join(problems)


def test_verification_result_fits_a_phone(live: Live, contexts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The verdict for an uploaded copy: labels and each signature's result on screen."""
    from signing.commitments.storage import current_pdf

    session = live.session()
    try:
        with live.app.app_context():
            pdf = current_pdf(session, session.get(Commitment, live.ids[KOBAR]))
    finally:
        session.close()
    path = tmp_path / "komitmen.pdf"
    path.write_bytes(pdf)
    page = contexts["pengunjung"]
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live.url + "/verifikasi")
        page.set_input_files("input[type=file]", str(path))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("[data-verdict]")
        found = page.evaluate(_GEOMETRY)
        assert found["scrollWidth"] <= found["width"], (width, found["widest"])
        results = page.locator("table.stack td.cell-state")
        assert results.count() >= 3
        for index in range(results.count()):
            box = results.nth(index).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        shot(page, f"responsive-{width}-pengunjung-hasil-verifikasi")


_SIGNING_FOLD = """() => {
    const button = document.querySelector('[data-submit-button]');
    const box = button ? button.getBoundingClientRect() : null;
    const root = document.documentElement;
    return {
        choices: document.querySelectorAll('.sign-form input[name=choice]').length,
        buttonBottom: box ? box.bottom : null,
        viewport: window.innerHeight,
        // Every element other than the page itself that scrolls vertically.
        scrollers: Array.from(document.querySelectorAll('body *'))
            .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowY)
                && el.scrollHeight > el.clientHeight + 1)
            .map((el) => el.tagName.toLowerCase() + '.' + el.className),
        pageScrolls: root.scrollHeight > root.clientHeight,
    };
}"""


@pytest.mark.parametrize("viewport", [(1366, 768), (1280, 720)])
def test_signing_page_has_one_scroll_area_and_its_button_in_view(
    live: Live, chromium: Any, viewport: tuple[int, int]
) -> None:
    """The Wali Kota's signing page on a laptop: the document and the form scroll as one page (no
    panel with a scroll of its own) and the button is on screen before any scrolling."""
    width, height = viewport
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    try:
        page = context.new_page()
        login(page, live, "walikota-62.71")
        response = page.goto(f"{live.url}/komitmen/{live.ids[PALANGKA]}")
        assert response is not None and response.status == 200
        found = page.evaluate(_SIGNING_FOLD)
        shot(page, f"signing-fold-{width}")
    finally:
        context.close()
    assert found["choices"] >= 3, found  # sign, paraf and decline: the longest common form
    assert found["buttonBottom"] is not None and found["buttonBottom"] <= found["viewport"], found
    assert found["scrollers"] == [], found
    assert found["pageScrolls"], found  # the document's pages are below, on the same page
