"""The contract's own endpoints: the OpenAPI document, generated (:mod:`signing.api.contract`)
from the schemas and routes, and a page that shows it, rendered on the server from that same
document (no script, nothing from elsewhere: the app runs on a closed network)."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from flask import Response, jsonify, render_template
from markupsafe import Markup, escape

from signing.api import reading  # noqa: F401 - its routes are part of the document
from signing.api.contract import ERROR_CODES, OPERATION_ERRORS, build_document
from signing.api.schemas import NO_NUL
from signing.api.views import bp

__all__ = ["ERROR_CODES", "OPERATION_ERRORS", "document", "reference"]

VERSION = "1.0.0"
REF = "#/components/schemas/"

INFO = {
    "title": "Penandatanganan Komitmen PTSP Prima: API",
    "version": VERSION,
    "summary": "Status, documents and acts on PTSP Prima commitments, for e-office systems.",
    "description": (
        "Authenticate every request with `Authorization: Bearer <token>`; an administrator "
        "creates the token with `signing users token create USERNAME --name NAME` (shown once) "
        "and revokes it with `signing users token revoke ID`.\n\n"
        "Who reads what: secretariat and administrator tokens read every event and commitment; "
        "an official's token reads only the commitments where the official has a slot (as "
        "holder, under a recorded mandate, or as the deputy who may paraf) or has already "
        "acted, and the events of those. Anything else answers 404 like something that does "
        "not exist.\n\n"
        'Every error has the shape `{"error": {"code", "message" (Indonesian), "message_en", '
        '"details"?}}`. Requests are limited per token (`API_LIMIT_PER_TOKEN`, default 120 per '
        "minute), and requests refused for an unknown or malformed token per address "
        "(`API_LIMIT_BAD_TOKEN_PER_IP`, default 20 per minute): 429 `rate_limited`."
    ),
}
TAGS = [
    {"name": "read", "description": "Events, commitments, status."},
    {"name": "documents", "description": "The signed PDFs."},
    {"name": "acts", "description": "Acting on a slot."},
    {"name": "verification", "description": "Checking a PDF."},
    {"name": "contract", "description": "This document."},
]


@cache
def _document() -> dict[str, Any]:
    return build_document(bp, INFO, TAGS)


def document() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_document())


@bp.route("/openapi.json", tags=["contract"])
@bp.operation("getOpenApi", public=True)
@bp.response(200, {"type": "object"}, description="The document.")
def openapi_json() -> Response:
    """This document

    The OpenAPI document (no token needed).
    """
    return jsonify(document())


@bp.route("/docs", tags=["contract"])
@bp.operation("getDocs", public=True)
@bp.response(200, {"type": "string"}, content_type="text/html", description="The page.")
def docs() -> Response:
    """This document as a page

    The same document rendered as HTML (no token needed).
    """
    doc = document()
    return Response(render_template("api/docs.html", doc=doc, ref=reference(doc)))


# ----------------------------------------------------------------------------- the page


def _inline(text: str) -> Markup:
    """Escaped text with the document's `code` spans shown as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _type_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "allOf" in schema:
        return " & ".join(_type_text(s) for s in schema["allOf"] if "$ref" in s)
    if "anyOf" in schema:
        return " | ".join(_type_text(s) for s in schema["anyOf"])
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    parts = []
    for one in kinds:
        if one == "array":
            parts.append(f"array of {_type_text(schema.get('items', {}))}")
        elif one == "object" and "properties" in schema:
            parts.append("object")
        else:
            parts.append(one)
    text = " | ".join(parts)
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def _constraints(schema: dict[str, Any]) -> str:
    notes = []
    if "enum" in schema:
        values = ("null" if v is None else str(v) for v in schema["enum"])
        notes.append("one of: " + ", ".join(values))
    for key, label in (
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "min length"),
        ("maxLength", "max length"),
    ):
        if key in schema:
            notes.append(f"{label} {schema[key]}")
    if "pattern" in schema and schema["pattern"] != NO_NUL.regex.pattern:
        notes.append(f"pattern {schema['pattern']}")
    return "; ".join(notes)


def _fields(schema: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    rows = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            {
                "name": prefix + name,
                "type": _type_text(prop),
                "ref": prop.get("$ref", "").removeprefix(REF)
                or (prop.get("items", {}).get("$ref", "").removeprefix(REF)),
                "required": name in required,
                "description": _inline(prop.get("description", "")),
                "constraints": _constraints(prop),
            }
        )
        if prop.get("type") == "object" and "properties" in prop:
            rows.extend(_fields(prop, prefix + name + "."))
        nested = next((s for s in prop.get("anyOf", []) if "properties" in s), None)
        if nested is not None:
            rows.extend(_fields(nested, prefix + name + "."))
    return rows


def reference(doc: dict[str, Any]) -> dict[str, Any]:
    """The document, reshaped for the HTML page (operations, schema fields, error codes)."""
    operations = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            responses = []
            for status, response in op["responses"].items():
                content = response.get("content", {})
                media = next(iter(content), None)
                schema = content[media]["schema"] if media else {}
                codes = []
                if "allOf" in schema:
                    codes = schema["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
                responses.append(
                    {
                        "status": status,
                        "description": _inline(response["description"].split(". Codes:")[0]),
                        "media": media,
                        "schema": _type_text(schema) if schema else "",
                        "codes": [(c, ERROR_CODES[c][1]) for c in codes],
                        "headers": list(response.get("headers", {})),
                    }
                )
            body = op.get("requestBody", {}).get("content", {})
            operations.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "description": _inline(re.sub(r"(?<!\n)\n(?!\n)", " ", op["description"])),
                    "public": op.get("security") == [],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type_text(p["schema"]),
                            "constraints": _constraints(p["schema"]),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": [
                        {"media": media, "schema": _type_text(item["schema"])}
                        for media, item in body.items()
                    ],
                    "responses": responses,
                }
            )
    schemas = [
        {
            "name": name,
            "description": _inline(schema.get("description", "")),
            "fields": _fields(schema),
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    codes = sorted(
        ((status, code, meaning) for code, (status, meaning) in ERROR_CODES.items()),
        key=lambda row: (row[0], row[1]),
    )
    return {
        "intro": [_inline(part) for part in doc["info"]["description"].split("\n\n")],
        "operations": operations,
        "schemas": schemas,
        "schema_names": {schema["name"] for schema in schemas},
        "codes": codes,
    }
