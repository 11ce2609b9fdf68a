"""Security headers on every HTML answer, found by walking the app's url_map.

Every GET route is requested with real ids (the demo event after the meeting) by an anonymous
visitor, the secretariat and an official; every answer that is HTML (pages, refusals, 404s)
must carry the CSP, the framing ban, nosniff and the Referrer-Policy, and no page may contain
an inline script or an inline event handler (the CSP would block it, so it would be broken).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask

from signing.models import Commitment, Region
from signing.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import AuthActions, make_test_app

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)


def _arguments(db_session, demo_event, commitment: Commitment) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "commitment_id": commitment.id,
        "event_id": demo_event.id,
        "event": demo_event.id,
        "page": 1,
        "sha256": commitment.current_sha256,
        "code": commitment.code,
        "kind": "status",
        "fmt": "csv",
        "level": "root",
        "filename": "signing.js",
        # An OCSP request in the URL (RFC 6960 GET): garbage, answered as malformed.
        "encoded": "MAMCAQA=",
    }


def _get_routes(app: Flask, values: dict[str, object]) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            urls.append(app.url_for(rule.endpoint, **{a: values[a] for a in rule.arguments}))
    return sorted(set(urls))


def _check_html(url: str, response) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, url
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert (
        "'unsafe-inline'"
        not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert headers.get("X-Frame-Options") == "DENY", url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    body = response.get_data(as_text=True)
    for attributes in SCRIPT_TAG.findall(body):
        assert "src=" in attributes or 'type="application/json"' in attributes, (url, attributes)
    assert not EVENT_HANDLER.findall(body), (url, EVENT_HANDLER.findall(body))


def test_every_html_route_carries_the_security_headers(
    app, client, staff, db_session, demo_event
) -> None:  # type: ignore[no-untyped-def]
    from signing.commitments.generation import generate_commitment

    with app.app_context():
        region = db_session.execute(
            sa.select(Region).where(Region.kemendagri_code == "62.02")
        ).scalar_one()
        commitment = generate_commitment(db_session, demo_event, region, actor="uji")
        db_session.commit()
    urls = _get_routes(app, _arguments(db_session, demo_event, commitment))
    official = app.test_client()
    assert AuthActions(official).login("bupati-62.02").status_code == 302
    clients = {"anonim": app.test_client(), "sekretariat": client, "pejabat": official}
    pages = set()
    for who, visitor in clients.items():
        for url in urls:
            response = visitor.get(url)
            # Every answer: nosniff and the Referrer-Policy.
            assert response.headers.get("X-Content-Type-Options") == "nosniff", (who, url)
            assert response.headers.get("Referrer-Policy") == "same-origin", (who, url)
            assert "Strict-Transport-Security" not in response.headers  # BASE_URL is http
            if response.mimetype == "text/html":
                _check_html(f"{who} {url}", response)
                if response.status_code == 200:
                    pages.add(url)
    # The walk really reached the pages (not only login redirects and refusals).
    assert len(pages) >= 20, sorted(pages)
    assert f"/sekretariat/acara/{demo_event.id}" in pages
    assert f"/komitmen/{commitment.id}" in pages


@pytest.mark.parametrize("base_url", ["https://ptsp.kalteng.go.id", "http://127.0.0.1:5000"])
def test_hsts_only_when_the_base_url_is_https(tmp_path, database_url, base_url) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(tmp_path, database_url, BASE_URL=base_url)
    response = app.test_client().get("/masuk")
    hsts = response.headers.get("Strict-Transport-Security")
    if base_url.startswith("https://"):
        assert hsts == "max-age=31536000; includeSubDomains"
    else:
        assert hsts is None
    _check_html("/masuk", response)
    app.extensions["signing.engine"].dispose()
