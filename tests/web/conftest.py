"""Fixtures of the web tests.

The app is the workflow tests' (throwaway CA copied from one made per session, cheap KDF,
P-256 keys). The database is a copy of a *world* built once per worker (see ``world.py``):
a copied SQLite file, or on PostgreSQL the world's rows restored into the emptied tables.
``make_browser`` gives a test client that logs in and posts forms with their CSRF token, as a
person with a browser would.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from signing.models import Act, ActKind, AuditEntry
from tests.conftest import (
    POSTGRES_URL,
    TEST_PASSWORD,
    _truncate_all,
    make_test_app,
    restore_tables,
    snapshot_tables,
)
from tests.web.world import build_world
from tests.workflow import conftest as workflow_fixtures
from tests.workflow.conftest import PASSPHRASE, WORKFLOW_CONFIG

# The workflow tests' app and session CA, reused (a fixture is registered by its name here).
app = workflow_fixtures.app
ca_template = workflow_fixtures.ca_template

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def web_template(
    database_template: str, ca_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, int]]:
    """The world built once per worker: a SQLite file to copy, or on PostgreSQL the rows kept
    in a snapshot schema (see ``snapshot_tables``) and the path unused."""
    base = tmp_path_factory.mktemp("web-world")
    path = base / "world.db"
    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    shutil.copytree(ca_template, base / "certs")
    world_app = make_test_app(base, url, **WORKFLOW_CONFIG)
    session = world_app.extensions["signing.sessionmaker"]()
    try:
        ids = build_world(world_app, session)
    finally:
        session.close()
        world_app.extensions["signing.engine"].dispose()
    if POSTGRES_URL:
        snapshot_tables(POSTGRES_URL, "web")
        _truncate_all(POSTGRES_URL)
    (base / "world.json").write_text(json.dumps(ids))
    return path, ids


@pytest.fixture()
def database_url(database_template: str, web_template, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if POSTGRES_URL:
        restore_tables(POSTGRES_URL, "web")
        yield POSTGRES_URL
        _truncate_all(POSTGRES_URL)
        return
    path = tmp_path / "signing.db"
    shutil.copyfile(web_template[0], path)
    yield f"sqlite:///{path}"


@pytest.fixture()
def world(app, db_session, web_template) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """``{region code: commitment id}`` of the world in this test's database."""
    return dict(web_template[1])


def form_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client as one person uses it: logs in, reads pages, posts forms with CSRF."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token: str | None = None

    def login(self, username: str, password: str = TEST_PASSWORD) -> Browser:
        page = self.client.get("/masuk")
        response = self.client.post(
            "/masuk",
            data={"username": username, "password": password, "csrf_token": form_token(page.text)},
        )
        assert response.status_code == 302, response.text
        self.token = None
        return self

    def csrf(self) -> str:
        if self.token is None:
            page = self.client.get("/masuk", follow_redirects=True)
            self.token = form_token(page.text)
        return self.token

    def get(self, url: str, **kwargs):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, *, csrf: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.csrf()
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture()
def make_browser(app):  # type: ignore[no-untyped-def]
    def build(username: str | None = None) -> Browser:
        browser = Browser(app.test_client())
        if username:
            browser.login(username)
        return browser

    return build


def acts_of(db_session, commitment_id: int) -> list[Act]:  # type: ignore[no-untyped-def]
    """The officials' acts on a commitment (the office seal left out), oldest first."""
    db_session.rollback()
    return list(
        db_session.execute(
            sa.select(Act)
            .where(Act.commitment_id == commitment_id, Act.kind != ActKind.SEAL)
            .order_by(Act.id)
        ).scalars()
    )


def audit_since(db_session, since_id: int = 0) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return list(
        db_session.execute(
            sa.select(AuditEntry).where(AuditEntry.id > since_id).order_by(AuditEntry.id)
        ).scalars()
    )


def last_audit_id(db_session) -> int:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return db_session.execute(sa.select(sa.func.coalesce(sa.func.max(AuditEntry.id), 0))).scalar()


def sign_form(choice: str, passphrase: str = PASSPHRASE, **extra: str) -> dict[str, str]:
    return {"choice": choice, "passphrase": passphrase, "confirm": "1", **extra}


__all__ = [
    "PASSPHRASE",
    "TEST_PASSWORD",
    "Browser",
    "acts_of",
    "audit_since",
    "form_token",
    "last_audit_id",
    "sign_form",
]
