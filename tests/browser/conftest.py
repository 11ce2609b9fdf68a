"""Browser tests in real Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright).

The app is served by werkzeug in a background thread on 127.0.0.1 and a free port, against a
prepared database: throwaway CA (copied from the one the workflow tests make per session), cheap
key derivation, the demo registry and accounts, and generated commitments of the demo event
(see ``world.py`` of the web tests). Skipped only when no Chromium binary is installed.
Screenshots of the key pages go to ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from signing import PROJECT_DIR
from tests.conftest import POSTGRES_URL, TEST_PASSWORD, _truncate_all, make_test_app
from tests.web.world import ENROLLED, KAPUAS, KOBAR, KOTIM, PALANGKA, build_world
from tests.workflow import conftest as workflow_fixtures
from tests.workflow.conftest import PASSPHRASE, WORKFLOW_CONFIG

ca_template = workflow_fixtures.ca_template

BARSEL, BARUT = "62.04", "62.05"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"


def chromium_path() -> str | None:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # one line per image is noise
        pass


@dataclass
class Live:
    url: str
    app: Flask
    ids: dict[str, int]

    def session(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["signing.sessionmaker"]()


@pytest.fixture(scope="module")
def live(
    database_template: str, ca_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    if chromium_path() is None:
        pytest.skip("Chromium tidak terpasang (/usr/bin/chromium)")
    base = tmp_path_factory.mktemp("browser-world")
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        shutil.copyfile(database_template, base / "browser.db")
        url = f"sqlite:///{base / 'browser.db'}"
    shutil.copytree(ca_template, base / "certs")
    app = make_test_app(base, url, **WORKFLOW_CONFIG)
    session = app.extensions["signing.sessionmaker"]()
    try:
        ids = build_world(
            app,
            session,
            codes=(KOBAR, KOTIM, KAPUAS, BARSEL, BARUT, PALANGKA),
            # The Wakil Bupati of Kotawaringin Timur enrols in the browser.
            enrolled=tuple(u for u in ENROLLED if u != "wakil-bupati-62.02")
            + ("bupati-62.04", "ketua-dprd-62.04", "ketua-dprd-62.05"),
            ready=(KOBAR, KAPUAS, BARSEL),
        )
    finally:
        session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield Live(url=f"http://127.0.0.1:{server.server_port}", app=app, ids=ids)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["signing.engine"].dispose()
        if POSTGRES_URL:
            _truncate_all(POSTGRES_URL)


@pytest.fixture(scope="module")
def chromium(live: Live) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot once every page image has loaded (they load lazily)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        """async () => {
            const images = Array.from(document.images);
            images.forEach((img) => { img.loading = 'eager'; });
            await Promise.all(images.map((img) => img.complete ? null
                : new Promise((done) => { img.onload = img.onerror = done; })));
            window.scrollTo(0, 0);
        }"""
    )
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Any, live: Live, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(live.url + "/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/masuk" not in url)


def logout(page: Any) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(lambda url: "/masuk" in url)


__all__ = [
    "BARSEL",
    "BARUT",
    "KAPUAS",
    "KOBAR",
    "KOTIM",
    "PALANGKA",
    "PASSPHRASE",
    "Live",
    "login",
    "logout",
    "shot",
]
