"""WCAG 2.1 AA in the browser: axe-core on every main page as each role at desktop, tablet and
phone size; a keyboard-only signing from the inbox; the desk's warning before its timeout.

axe-core comes from npm (``tests/browser/package.json``, installed by ``.ci/run`` with
``npm install --prefix tests/browser``) or from the file named by ``SIGNING_AXE_JS``; its source
is injected into each page by the test (``add_script_tag(content=...)``, in contexts that let
the test's own script past the app's CSP), never from a CDN.
Skipped only when Chromium or axe-core is missing. One server and one browser for the module.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from signing.models import Commitment, DeskTurn, TurnOutcome
from tests.browser.conftest import BARSEL, KOBAR, PASSPHRASE, Live, login
from tests.browser.test_responsive import ACCOUNTS, VIEWPORTS, _pages

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
#: The rule sets the issue asks for: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OFFICIAL_PASSWORD = "kata-sandi-uji-123"


@pytest.fixture(scope="module")
def axe_source() -> str:
    path = Path(os.environ.get("SIGNING_AXE_JS") or AXE_JS)
    if not path.is_file():
        pytest.skip(f"axe-core tidak terpasang ({path}); npm install --prefix tests/browser")
    return path.read_text(encoding="utf-8")


def _axe(page: Any, source: str) -> list[str]:
    """The WCAG A/AA violations axe finds on the page as it is now, one line per node."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map((v) => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map((n) => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )
    return [f"{v['id']} ({v['impact']}): {node}" for v in result for node in v["nodes"][:5]]


@pytest.fixture(scope="module")
def contexts(live: Live, chromium: Any) -> Iterator[dict[str, Any]]:
    made: dict[str, Any] = {}
    try:
        for role in ("pengunjung", *ACCOUNTS):
            context = chromium.new_context(
                viewport={"width": 1366, "height": 768}, locale="id-ID", bypass_csp=True
            )
            page = context.new_page()
            if role in ACCOUNTS:
                login(page, live, ACCOUNTS[role])
            made[role] = page
        yield made
    finally:
        for page in made.values():
            page.context.close()


def _more_pages(live: Live) -> dict[str, list[tuple[str, str]]]:
    """Pages beyond the responsive sweep's: the home page of each role, the signing page
    with its form, the API documentation, a page that does not exist, the mail outbox (main's
    /admin/surel; a 404 page where that is not merged yet)."""
    return {
        "pengunjung": [("beranda", "/"), ("api", "/api/v1/docs"), ("tidak-ada", "/tidak-ada")],
        "pejabat": [("beranda", "/"), ("tanda-tangan", f"/komitmen/{live.ids[BARSEL]}")],
        "sekretariat": [("beranda", "/")],
        "admin": [("beranda", "/"), ("surel", "/admin/surel")],
    }


def _all_pages(live: Live) -> dict[str, list[tuple[str, str]]]:
    pages = _pages(live)
    for role, more in _more_pages(live).items():
        pages[role] = pages[role] + more
    return pages


#: Filled by the sweep, read by the summary (pages x roles x sizes checked).
CHECKED: list[str] = []
#: Pages on which a table scrolls sideways (each must be a focusable, named region).
SCROLLING: set[str] = set()
_SCROLLING = """() => Array.from(document.querySelectorAll('.table-wrap'))
    .filter((w) => w.scrollWidth > w.clientWidth + 1).length"""
_SCROLLERS = """() => Array.from(document.querySelectorAll('.table-wrap'))
    .filter((w) => w.scrollWidth > w.clientWidth + 1)
    .filter((w) => w.tabIndex !== 0 || w.getAttribute('role') !== 'region'
                   || !(w.getAttribute('aria-label') || '').trim())
    .map((w) => 'tabel bergeser tanpa fokus/nama: ' + w.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_main_page_passes_axe_as_each_role(live, contexts, axe_source, size) -> None:  # type: ignore[no-untyped-def]
    width, height = size
    problems: list[str] = []
    for role, pages in _all_pages(live).items():
        page = contexts[role]
        page.set_viewport_size({"width": width, "height": height})
        for name, path in pages:
            response = page.goto(live.url + path)
            assert response is not None and response.status in (200, 404), (role, path)
            if "/meja" in path:
                page.wait_for_load_state("load")
            CHECKED.append(f"{role}:{name}@{width}")
            problems += [f"{role} {path} @{width}px: {line}" for line in _axe(page, axe_source)]
            problems += [f"{role} {path} @{width}px: {x}" for x in page.evaluate(_SCROLLERS)]
            SCROLLING.update(f"{role}:{name}@{width}" for _ in range(page.evaluate(_SCROLLING)))
    assert not problems, "\n".join(problems)


def test_the_verification_result_passes_axe(live, contexts, axe_source, tmp_path) -> None:  # type: ignore[no-untyped-def]
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
    problems: list[str] = []
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live.url + "/verifikasi")
        page.set_input_files("input[type=file]", str(path))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("[data-verdict]")
        CHECKED.append(f"pengunjung:hasil-verifikasi@{width}")
        problems += [f"hasil verifikasi @{width}px: {line}" for line in _axe(page, axe_source)]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- the desk


def _open_desk(live: Live, chromium: Any, width: int = 800, height: int = 1100) -> Any:
    context = chromium.new_context(
        viewport={"width": width, "height": height}, locale="id-ID", bypass_csp=True
    )
    page = context.new_page()
    login(page, live, "sekretariat")
    page.goto(live.url + "/meja")
    page.get_by_role("button", name=re.compile("Buka meja")).first.click()
    page.wait_for_url(re.compile(r"/meja/papan"))
    return page


def _desk_login(page: Any, username: str) -> None:
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi masuk").fill(OFFICIAL_PASSWORD)
    page.get_by_role("button", name="Masuk untuk bertindak").click()
    page.wait_for_selector(".desk-official")


def _turn(live: Live) -> DeskTurn:
    session = live.session()
    try:
        return session.execute(sa.select(DeskTurn).order_by(DeskTurn.id.desc())).scalars().first()
    finally:
        session.close()


@pytest.fixture()
def desk_config(live: Live) -> Iterator[dict[str, Any]]:
    """Short desk times for one test (the server reads them on every request)."""
    saved = {k: live.app.config.get(k) for k in ("DESK_GRANT_SECONDS", "DESK_WARN_SECONDS")}
    try:
        yield live.app.config
    finally:
        live.app.config.update(saved)


def test_the_desk_pages_pass_axe(live, chromium, axe_source) -> None:  # type: ignore[no-untyped-def]
    problems: list[str] = []
    page = _open_desk(live, chromium)
    try:
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(live.url + "/meja/papan")
            CHECKED.append(f"sekretariat:meja-papan@{width}")
            problems += [f"meja papan @{width}px: {x}" for x in _axe(page, axe_source)]
            _desk_login(page, "ketua-dprd-62.05")
            CHECKED.append(f"pejabat-di-meja:meja-pilih@{width}")
            problems += [f"meja pilih @{width}px: {x}" for x in _axe(page, axe_source)]
            page.get_by_role("button", name=re.compile("Buka.*Barito Utara")).click()
            page.wait_for_selector("form[data-sign-form]")
            CHECKED.append(f"pejabat-di-meja:meja-langkah@{width}")
            problems += [f"meja langkah @{width}px: {x}" for x in _axe(page, axe_source)]
            page.get_by_role("button", name="Batal dan keluar").click()
            page.wait_for_url(re.compile(r"/meja/papan"))
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)


def test_the_desk_warns_before_its_timeout_and_tambah_waktu_extends_it(  # type: ignore[no-untyped-def]
    live, chromium, axe_source, desk_config
) -> None:
    from playwright.sync_api import expect

    page = _open_desk(live, chromium)
    try:
        desk_config.update(DESK_GRANT_SECONDS=30, DESK_WARN_SECONDS=28)
        _desk_login(page, "bupati-62.04")
        warning = page.locator("#peringatan-waktu")
        assert warning.get_attribute("role") == "alert"
        assert page.locator("meta[http-equiv=refresh]").count() == 0
        # Nothing to announce yet; two seconds on, the warning is shown and announced once.
        assert warning.inner_text().strip() == ""
        expect(warning).to_contain_text("hampir habis", timeout=5000)
        assert re.fullmatch(r"0:2\d", page.locator("[data-timer-clock]").inner_text())
        assert _axe(page, axe_source) == []
        before = _turn(live)
        assert before.extensions == 0

        page.get_by_role("button", name="Tambah waktu").click()
        expect(warning).to_contain_text("Waktu ditambah")
        after = _turn(live)
        assert after.id == before.id and after.extensions == 1
        assert after.expires_at > before.expires_at
        expect(page.locator("[data-timer-left]")).to_contain_text("2 kali lagi")

        # The next extension is short: the deadline passes, the server closes the turn and
        # the device returns to the board by itself (no meta refresh).
        desk_config.update(DESK_GRANT_SECONDS=2, DESK_WARN_SECONDS=2)
        grant = page.locator(".desk-official input[name=grant]").first.input_value()
        page.get_by_role("button", name="Tambah waktu").click()
        page.wait_for_url(re.compile(r"/meja/papan\?habis=1"), timeout=8000)
        expect(page.locator(".flash-info")).to_contain_text("Waktu pejabat di meja telah habis")
        expired = next(
            t
            for t in _all_turns(live)
            if t.id == before.id  # the official's turn, closed by the board that followed
        )
        assert expired.outcome is TurnOutcome.EXPIRED and expired.extensions == 2
        status = page.evaluate(
            """async (grant) => {
                const token = document.querySelector('input[name=csrf_token]').value;
                const body = new URLSearchParams({csrf_token: token, grant: grant});
                const response = await fetch('/meja/tambah-waktu', {method: 'POST', body: body,
                    headers: {Accept: 'application/json'}});
                return response.status;
            }""",
            grant,
        )
        assert status == 401
    finally:
        page.context.close()


def _all_turns(live: Live) -> list[DeskTurn]:
    session = live.session()
    try:
        return list(session.execute(sa.select(DeskTurn).order_by(DeskTurn.id)).scalars())
    finally:
        session.close()


# ----------------------------------------------------------------------------- keyboard only

_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const parse = (c) => {
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(',').map((x) => parseFloat(x));
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const lum = (c) => {
        const f = (v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    // What the ring is drawn on: the first opaque background outside the element.
    let behind = {r: 255, g: 255, b: 255, a: 1};
    for (let up = el.parentElement; up; up = up.parentElement) {
        const c = parse(getComputedStyle(up).backgroundColor);
        if (c && c.a > 0.5) { behind = c; break; }
    }
    const style = getComputedStyle(el);
    // A text field's edge is what shows it is there: 3:1 as well (WCAG 1.4.11).
    const field = ['text', 'password', 'date', 'email', 'number'].includes(el.type)
        || ['SELECT', 'TEXTAREA'].includes(el.tagName);
    const edge = field ? ratio(parse(style.borderTopColor), behind) : null;
    const width = parseFloat(style.outlineWidth) || 0;
    const ring = style.outlineStyle !== 'none' && width >= 2 ? parse(style.outlineColor) : null;
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
        text: (el.innerText || el.value || '').trim().slice(0, 40),
        href: el.getAttribute('href'),
        ring: ring ? ratio(ring, behind) : 0,
        edge: edge,
    };
}"""


def _tab_to(page: Any, wanted: Any, seen: list[dict[str, Any]], limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS)
        if focused is None:
            continue
        seen.append(focused)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached by Tab: {seen[-5:]}")


def test_signing_from_the_inbox_with_the_keyboard_only(live, chromium) -> None:  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="id-ID")
    page = context.new_page()
    seen: list[dict[str, Any]] = []
    try:
        login(page, live, "gubernur")
        page.goto(live.url + "/kotak-masuk")
        target = f"/komitmen/{live.ids[KOBAR]}"
        _tab_to(page, lambda f: f["tag"] == "a" and (f["href"] or "").endswith(target), seen)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(target + "$"))
        # The sign choice (Space selects the radio that has focus), a wrong passphrase, the box.
        _tab_to(page, lambda f: f["name"] == "choice", seen)
        page.keyboard.press("Space")
        _tab_to(page, lambda f: f["id"] == "passphrase", seen)
        page.keyboard.type("bukan-frasa-sandinya")
        _tab_to(page, lambda f: f["name"] == "confirm", seen)
        page.keyboard.press("Space")
        _tab_to(page, lambda f: f["tag"] == "button" and "Tanda tangani" in f["text"], seen)
        page.keyboard.press("Enter")
        page.wait_for_selector("#galat")
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.id", timeout=5000
        )

        # Focus is on the announced message, which the field names; the box is still ticked.
        focused = page.evaluate(
            """() => ({id: document.activeElement.id,
                       role: document.activeElement.getAttribute('role')})"""
        )
        assert focused == {"id": "galat", "role": "alert"}
        assert "Frasa sandi penandatanganan salah" in page.locator("#galat").inner_text()
        field = page.locator("#passphrase")
        assert field.get_attribute("aria-invalid") == "true"
        assert "galat" in (field.get_attribute("aria-describedby") or "").split()
        assert field.input_value() == ""
        assert page.locator("#confirm").is_checked()

        _tab_to(page, lambda f: f["id"] == "passphrase", seen)
        page.keyboard.type(PASSPHRASE)
        _tab_to(page, lambda f: f["tag"] == "button" and "Tanda tangani" in f["text"], seen)
        page.keyboard.press("Enter")
        page.wait_for_selector("#hasil")
        assert (
            "tercatat" in page.locator("#hasil").inner_text().lower()
            or page.locator("#hasil").is_visible()
        )
    finally:
        context.close()
    weak = [f for f in seen if f["ring"] < 3]
    faint = [f for f in seen if f["edge"] is not None and f["edge"] < 3]
    assert len(seen) > 10
    assert not weak, f"focus indicator under 3:1: {weak[:5]}"
    assert not faint, f"field edge under 3:1: {faint[:5]}"


def test_empty_fields_get_our_own_messages_and_focus(live, contexts) -> None:  # type: ignore[no-untyped-def]
    """No browser bubble: our message beside the field, named by it, focus on the first."""
    page = contexts["pejabat"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live.url + f"/komitmen/{live.ids[BARSEL]}")
    form = page.locator("form[data-sign-form]")
    assert form.count() == 1
    form.locator("[data-submit-button]").click()
    field = page.locator("#passphrase")
    assert page.evaluate("() => document.activeElement.id") == "passphrase"
    assert field.get_attribute("aria-invalid") == "true"
    assert "passphrase-galat" in (field.get_attribute("aria-describedby") or "")
    assert page.locator("#passphrase-galat").inner_text() == (
        "Masukkan frasa sandi penandatanganan Anda."
    )
    assert page.locator("#confirm-galat").inner_text() == (
        "Centang pernyataan ini untuk melanjutkan."
    )
    page.locator("#passphrase").fill("x")
    assert field.get_attribute("aria-invalid") is None
    assert page.locator("#passphrase-galat").count() == 0

    staff = contexts["sekretariat"]
    staff.set_viewport_size({"width": 1366, "height": 768})
    staff.goto(live.url + "/sekretariat/acara/baru")
    staff.get_by_role("button", name="Buat acara").click()
    assert staff.url.endswith("/sekretariat/acara/baru")
    assert staff.evaluate("() => document.activeElement.id") == "name"
    assert staff.locator("#name-galat").inner_text() == "Nama acara wajib diisi."
    assert staff.locator("#place-galat").inner_text() == "Tempat wajib diisi."
    assert staff.locator("#name").get_attribute("aria-describedby") == "name-galat"


def test_the_dashboard_does_not_announce_its_clock(live, contexts) -> None:  # type: ignore[no-untyped-def]
    page = contexts["sekretariat"]
    session = live.session()
    try:
        event_id = session.get(Commitment, live.ids[KOBAR]).event_id
    finally:
        session.close()
    page.goto(live.url + f"/sekretariat/acara/{event_id}")
    note = page.locator("#refresh-note")
    assert note.get_attribute("aria-live") is None
    assert page.locator(".refresh-note [aria-live], .refresh-note[aria-live]").count() == 0
    assert page.locator("#papan-berita").get_attribute("role") == "status"
    page.get_by_role("button", name="Jeda pembaruan otomatis").click()
    toggle = page.locator("#refresh-toggle")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert toggle.inner_text() == "Lanjutkan pembaruan otomatis"


def test_summary_of_what_was_checked(live, axe_source) -> None:  # type: ignore[no-untyped-def]
    """Runs last in the module: how many page x role x size combinations axe saw. Skipped only
    with the sweep's own reasons (no Chromium, no axe-core); otherwise a sweep that checked
    nothing fails here."""
    assert CHECKED, "the axe sweep of this module checked no page before this summary"
    print(f"\naxe: {len(CHECKED)} page x role x size checks, {len(set(CHECKED))} distinct")
    print(f"tables scrolling sideways (focusable, named): {sorted(SCROLLING)}")
    assert {c.rsplit("@", 1)[1] for c in CHECKED} <= {str(w) for w, _h in VIEWPORTS}
