"""Fixtures of the secretariat tests: an app with a throwaway CA (made once per session and
copied), the demo registry, accounts and event, and the article's day replayed directly in the
database (acts without PDFs) for the status pages."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from signing.models import Event, User
from tests.conftest import app_with_ca, make_ca_template
from tests.secretariat.builders import rakor_direct

CHEAP_KDF = {"algorithm": "argon2id", "time_cost": 1, "memory_kib": 64, "parallelism": 1}
CONFIG: dict[str, Any] = {"KDF_PARAMS": CHEAP_KDF, "SIGNING_KEY_KIND": "p256"}


@pytest.fixture(scope="session")
def secretariat_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA made once per session; tests never use keys from certs/."""
    return make_ca_template(tmp_path_factory.mktemp("secretariat-ca"), **CONFIG)


@pytest.fixture()
def app(tmp_path: Path, database_url: str, secretariat_ca: Path) -> Iterator[Flask]:
    yield from app_with_ca(tmp_path, database_url, secretariat_ca, **CONFIG)


@pytest.fixture()
def demo_event(db_session, kalteng) -> Event:  # type: ignore[no-untyped-def]
    return db_session.get(Event, kalteng["event"].id)


@pytest.fixture()
def rakor(db_session, demo_event):  # type: ignore[no-untyped-def]
    """The demo event after the meeting (acts built directly; committed)."""
    commitments = rakor_direct(db_session, demo_event)
    db_session.commit()
    return commitments


@pytest.fixture()
def staff(auth, kalteng):  # type: ignore[no-untyped-def]
    """The client, logged in as the demo secretariat account."""
    response = auth.login("sekretariat")
    assert response.status_code == 302
    return auth


def user(db_session, username: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(User).where(User.username == username)).scalar_one()


def page_token(client) -> str:  # type: ignore[no-untyped-def]
    """A CSRF token from a secretariat page, as its forms carry it."""
    page = client.get("/sekretariat/").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def flashes(html: str) -> list[str]:
    return [
        html_module.unescape(re.sub(r"\s+", " ", text).strip())
        for text in re.findall(r'<div class="flash flash-\w+"[^>]*>(.*?)</div>', html, re.S)
    ]
