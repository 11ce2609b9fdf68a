"""Checking responses against the OpenAPI document (the schema-conformance half of the tests).

:class:`ApiClient` validates every response it receives: the status must be listed for the
operation (or covered by a ``5XX`` range), the media type must be the documented one, and a JSON
body must validate against the documented schema (JSON Schema 2020-12, formats checked).
Responses to paths that match no operation must still be the documented error object.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from signing.api.docs import document

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_0-9]+)>")


@cache
def _document() -> dict[str, Any]:
    return document()


@cache
def _root() -> Draft202012Validator:
    return Draft202012Validator(_document(), format_checker=FormatChecker())


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema`` (a part of the document) whose ``#/...`` references resolve
    against the whole document."""
    return _root().evolve(schema=schema)


def schema_of(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def validate(instance: Any, schema: dict[str, Any]) -> None:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def operation_for(app: Flask, method: str, path: str) -> tuple[str | None, dict | None]:
    """The documented path template and operation that ``method path`` reaches, if any."""
    adapter = app.url_map.bind("signing.test")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
    except (NotFound, MethodNotAllowed):
        return None, None
    template = _CONVERTER.sub(r"{\1}", rule.rule)
    item = _document()["paths"].get(template)
    if item is None:
        return template, None
    return template, item.get(method.lower())


def check_response(app: Flask, method: str, path: str, response: TestResponse) -> None:
    template, operation = operation_for(app, method, path)
    status = response.status_code
    media = response.mimetype
    if operation is None:
        # Unknown path or method: still the documented error object.
        assert status in (404, 405), (method, path, status)
        assert media == "application/json"
        validate(response.get_json(), schema_of("Error"))
        return
    responses = operation["responses"]
    documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert documented is not None, f"{method} {template}: {status} is not documented"
    content = documented.get("content")
    if not content:
        assert not response.data, f"{method} {template}: {status} has an undocumented body"
        return
    assert media in content, f"{method} {template}: {status} answered {media}, not {list(content)}"
    if media == "application/json":
        validate(response.get_json(), content[media]["schema"])
    for header in documented.get("headers", {}):
        if header in ("Retry-After",):
            continue  # present when known (the lock's end, the verifier's wait)
        assert header in response.headers, f"{method} {template}: {status} lacks {header}"


class ApiClient:
    """A test client sending the bearer token and checking each answer against the document."""

    def __init__(self, app: Flask, token: str | None) -> None:
        self.app = app
        self.token = token
        self.client = app.test_client()

    def open(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        check_response(self.app, method, path.split("?")[0], response)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("POST", path, **kwargs)

    def act(self, commitment_id: int, slot: str, **body: Any) -> TestResponse:
        return self.post(f"/api/v1/commitments/{commitment_id}/slots/{slot}/acts", json=body)


def error_code(response: TestResponse) -> str:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert body["error"]["message"] and body["error"]["message_en"], body
    return body["error"]["code"]
