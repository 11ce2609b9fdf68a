"""Every secretariat route: anonymous users go to login, officials get 403, no CSRF no change,
and no secretariat page offers a signing (or paraf / witness) button for anyone's slot."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask

from signing.models import Mandate, MandateKind, OfficeKind
from signing.regions.importer import find_office
from tests.conftest import csrf_token
from tests.secretariat.builders import KOTIM
from tests.secretariat.conftest import user


@pytest.fixture()
def objects(db_session, rakor, demo_event):  # type: ignore[no-untyped-def]
    mandate = Mandate(
        kind=MandateKind.PLT,
        principal_office_id=find_office(db_session, KOTIM, OfficeKind.BUPATI).id,
        deputy_user_id=user(db_session, "wakil-bupati-62.02").id,
        letter_number="800/123/BKPSDM/2019",
        letter_date=dt.date(2019, 10, 20),
        valid_from=dt.date(2019, 10, 20),
    )
    db_session.add(mandate)
    db_session.commit()
    return {
        "event_id": demo_event.id,
        "commitment_id": rakor[KOTIM].id,
        "mandate_id": mandate.id,
        "page": 1,
        "kind": "status",
        "fmt": "csv",
    }


def secretariat_routes(app: Flask, objects) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(method, url, endpoint) of every route of the blueprint."""
    routes = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("secretariat."):
                continue
            values = {name: objects[name] for name in rule.arguments}
            url = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, url, rule.endpoint))
    return routes


def test_the_blueprint_has_the_expected_routes(app, objects) -> None:
    endpoints = {endpoint for _m, _u, endpoint in secretariat_routes(app, objects)}
    assert {
        "secretariat.events",
        "secretariat.dashboard",
        "secretariat.follow_up",
        "secretariat.mcp",
        "secretariat.mandates",
        "secretariat.export",
        "secretariat.void",
        "secretariat.remind",
    } <= endpoints
    assert len(endpoints) >= 24


def test_anonymous_users_are_sent_to_login_on_every_route(app, client, objects) -> None:
    token = csrf_token(client)
    for method, url, endpoint in secretariat_routes(app, objects):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (method, url)
        assert "/masuk" in response.headers["Location"], endpoint


def test_officials_are_refused_on_every_route(app, client, auth, objects) -> None:
    assert auth.login("bupati-62.01").status_code == 302
    token = csrf_token(client)
    for method, url, _endpoint in secretariat_routes(app, objects):
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (method, url)


def test_every_change_needs_a_csrf_token(app, client, staff, db_session, objects) -> None:
    for method, url, _endpoint in secretariat_routes(app, objects):
        if method == "POST":
            response = client.post(url, data={"reason": "uji", "role": "kepala_daerah"})
            assert response.status_code == 400, url
            assert "CSRF" in response.text
    db_session.rollback()
    mandate = db_session.get(Mandate, objects["mandate_id"])
    assert mandate.revoked_at is None


def test_state_changes_are_post_only(app, client, staff, objects) -> None:
    for method, url, endpoint in secretariat_routes(app, objects):
        if method == "POST" and not any(
            m == "GET" and u == url for m, u, _e in secretariat_routes(app, objects)
        ):
            assert client.get(url).status_code == 405, endpoint


SIGNING_WORDS = re.compile(r"tanda\s*tangani|tandatangani|\bparaf\b|saksikan|\bsign\b", re.I)


def test_no_secretariat_page_offers_signing_for_anyone(app, client, staff, objects) -> None:
    pages = 0
    for method, url, endpoint in secretariat_routes(app, objects):
        if method != "GET":
            continue
        response = client.get(url)
        if endpoint in ("secretariat.commitment_pdf", "secretariat.commitment_page"):
            continue  # these commitments were built without PDFs; not pages anyway
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue
        pages += 1
        html = response.text
        for action in re.findall(r'<form[^>]*action="([^"]*)"', html):
            assert action.startswith(("/sekretariat/", "/keluar", "/bahasa/")), (url, action)
        for button in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S):
            assert not SIGNING_WORDS.search(re.sub(r"<[^>]+>", "", button)), (url, button)
        for link in re.findall(r'<a [^>]*class="[^"]*button[^"]*"[^>]*>(.*?)</a>', html, re.S):
            assert not SIGNING_WORDS.search(link), (url, link)
        assert "passphrase" not in html.lower() and "frasa sandi" not in html.lower(), endpoint
    assert pages >= 10
