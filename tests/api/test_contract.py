"""The generated contract stays the API's own: flask-smorest answers nothing outside /api/v1,
and the document it builds is the one served, with no component left unused."""

from __future__ import annotations

import json

from signing.api.docs import document


def test_pages_keep_their_html_errors_while_the_api_answers_json(app, kalteng) -> None:
    client = app.test_client()
    page = client.get("/tidak-ada")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<html" in page.get_data(as_text=True).lower()
    api = client.get("/api/v1/tidak-ada")
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.get_json()["error"]["code"] == "http_404"
    assert "flask-smorest" not in app.extensions  # the Api builds the document on its own app


def test_every_component_of_the_document_is_used() -> None:
    doc = document()
    text = json.dumps(doc["paths"]) + json.dumps(doc["components"]["schemas"])
    for name in doc["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text, name
    assert set(doc["components"]) == {"schemas", "securitySchemes"}
