"""The OpenAPI 3.1 document of ``/api/v1``: the contract integrators code against.

Built from Python data so that the enums come from the models (slot roles, act kinds,
capacities, states) and every error code an operation can answer is listed with its status.
The tests validate real responses against this document and run schemathesis over it, so a
change in a view that the document does not follow fails the suite.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from signing.api.validation import (
    ACT_KINDS,
    CAPACITIES,
    ID_MAX,
    PASSPHRASE_MAX,
    REASON_MAX,
)
from signing.models import ActKind, SlotRole
from signing.verification.service import Verdict
from signing.workflow.routing import SlotState
from signing.workflow.status import CommitmentState

__all__ = ["ERROR_CODES", "document", "reference"]

VERSION = "1.0.0"
REF = "#/components/schemas/"

#: Every error code of the API: status and meaning (English; messages are in Indonesian too).
ERROR_CODES: dict[str, tuple[int, str]] = {
    "missing_token": (401, "No 'Authorization: Bearer <token>' header."),
    "invalid_token": (401, "Unknown or malformed token, or its account is inactive."),
    "revoked_token": (401, "The token was revoked (signing users token revoke)."),
    "not_your_slot": (403, "The slot is not yours (secretariat and admin never act)."),
    "no_mandate": (
        403,
        "No recorded Plt./Plh./a.n. mandate valid today for this slot; a deputy without one "
        "may only paraf as stand_in.",
    ),
    "not_found": (404, "No such event or commitment, or your token may not read it."),
    "unknown_slot": (404, "The slot in the path is not one of the five slot roles."),
    "no_document": (404, "The commitment's PDF has not been generated yet."),
    "revision_not_found": (404, "No revision of this commitment has that SHA-256."),
    "http_404": (404, "The path matches no endpoint (e.g. a non-numeric id)."),
    "already_done": (409, "Already signed/initialled/declined: a repeated submit."),
    "not_your_turn": (
        409,
        "The routing order waits for other slots first; details.waiting_for names them.",
    ),
    "complete": (409, "The commitment is already complete."),
    "one_role": (
        409,
        "One person, one role per commitment: the official already acted on another slot of it "
        "(nobody witnesses their own act or fills two slots).",
    ),
    "declined": (409, "A party declined; the secretariat must void and reissue it."),
    "void": (409, "The commitment was voided; act on its replacement."),
    "not_generated": (409, "The document has not been generated yet."),
    "not_enrolled": (409, "The official has not enrolled a signing key."),
    "certificate_not_usable": (409, "The signing certificate is revoked or expired."),
    "conflict": (409, "A concurrent change won; reload and retry."),
    "too_large": (413, "The request body is larger than allowed."),
    "unsupported_media_type": (415, "Send application/pdf or multipart/form-data."),
    "invalid_body": (422, "The JSON body does not match the schema; details.problems lists why."),
    "invalid_parameter": (422, "A query parameter has an invalid value."),
    "wrong_kind": (422, "This kind of act does not apply to the slot (e.g. witness on a party)."),
    "reason_required": (422, "A decline needs a reason."),
    "bad_attestation": (422, "attests_act_id is not a signature or paraf of this commitment."),
    "wrong_passphrase": (422, "Wrong signing passphrase; the message says how many tries remain."),
    "no_file": (422, "The multipart body has no 'file' field."),
    "rate_limited": (
        429,
        "Too many requests with this token (API_LIMIT_PER_TOKEN), or with unknown tokens from "
        "this address (API_LIMIT_BAD_TOKEN_PER_IP).",
    ),
    "locked": (
        429,
        "Too many wrong passphrases: the official's key is locked for a while (Retry-After).",
    ),
    "signing_failed": (500, "The signature could not be made."),
    "storage_error": (500, "A stored PDF does not match its hash."),
    "http_500": (500, "Unexpected server error."),
    "busy": (503, "Every verification slot is busy; retry after Retry-After seconds."),
    "not_migrated": (503, "The database schema is not up to date (signing db upgrade)."),
    "database_unavailable": (
        503,
        "The database cannot be reached (down or restarting); retry after Retry-After seconds.",
    ),
}

_AUTH = ["missing_token", "invalid_token", "revoked_token", "rate_limited"]
_SERVER = ["http_500", "not_migrated", "database_unavailable"]

#: Error codes per operation (besides the success answers).
OPERATION_ERRORS: dict[str, list[str]] = {
    "listEvents": [*_AUTH, *_SERVER],
    "listEventCommitments": [*_AUTH, "not_found", "http_404", "invalid_parameter", *_SERVER],
    "getCommitment": [*_AUTH, "not_found", "http_404", *_SERVER],
    "getCommitmentPdf": [*_AUTH, "not_found", "http_404", "no_document", "storage_error", *_SERVER],
    "getCommitmentRevision": [
        *_AUTH,
        "not_found",
        "http_404",
        "revision_not_found",
        "storage_error",
        *_SERVER,
    ],
    "createAct": [
        *_AUTH,
        "not_your_slot",
        "no_mandate",
        "not_found",
        "http_404",
        "unknown_slot",
        "already_done",
        "not_your_turn",
        "complete",
        "one_role",
        "declined",
        "void",
        "not_generated",
        "not_enrolled",
        "certificate_not_usable",
        "conflict",
        "too_large",
        "invalid_body",
        "wrong_kind",
        "reason_required",
        "bad_attestation",
        "wrong_passphrase",
        "locked",
        "signing_failed",
        *_SERVER,
    ],
    "verifyPdf": [
        *_AUTH,
        "too_large",
        "unsupported_media_type",
        "no_file",
        "busy",
        *_SERVER,
    ],
}

_STATUS_TEXT = {
    401: "Not authenticated",
    403: "Not yours",
    404: "Not found",
    409: "Already done or not your turn",
    413: "Body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Throttled",
    500: "Server error",
    503: "Temporarily unavailable",
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    schema = dict(schema)
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    else:
        return {"oneOf": [schema, {"type": "null"}]}
    return schema


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _obj(
    properties: dict[str, Any], *, description: str | None = None, optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
TEXT_OR_NULL = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}
DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
NO_NUL = "^[^\\u0000]*$"
ROLES = [r.value for r in SlotRole]


def _schemas() -> dict[str, Any]:
    slot_states = [s.value for s in SlotState]
    states = [s.value for s in CommitmentState]
    schemas: dict[str, Any] = {
        "Error": _obj(
            {
                "error": _obj(
                    {
                        "code": {
                            "type": "string",
                            "description": "Machine-readable code (see the table of codes).",
                        },
                        "message": {"type": "string", "description": "Indonesian message."},
                        "message_en": {"type": "string", "description": "English message."},
                        "details": {
                            "type": "object",
                            "description": "More about the error: `problems` (invalid input), "
                            "`waiting_for` (not your turn), `locked_until`.",
                        },
                    },
                    optional=("details",),
                )
            },
            description="Every error answer of the API has this shape.",
        ),
        "Region": _obj(
            {
                "kemendagri_code": {"type": "string", "examples": ["62.02"]},
                "bps_code": {"type": ["string", "null"], "examples": ["6202"]},
                "name": {"type": "string", "examples": ["Kabupaten Kotawaringin Timur"]},
                "kind": {"type": "string", "enum": ["kabupaten", "kota"]},
            },
            description="A Kabupaten/Kota, with both official codes (they differ for some).",
        ),
        "Actor": _obj(
            {
                "name": {"type": "string"},
                "office": {
                    **TEXT_OR_NULL,
                    "description": "The office the actor acted in, as at the time.",
                },
            }
        ),
        "Act": _obj(
            {
                "id": ID,
                "kind": {"type": "string", "enum": [k.value for k in ActKind if k.value != "seal"]},
                "capacity": {
                    "type": "string",
                    "enum": list(CAPACITIES),
                    "description": "holder; plt/plh/an under a recorded mandate; stand_in: a "
                    "deputy without mandate (paraf only).",
                },
                "actor": _ref("Actor"),
                "time": DATETIME,
                "attests_act_id": {
                    **_nullable(ID),
                    "description": "For a witness act: the signature or paraf it attests.",
                },
                "reason": TEXT_OR_NULL,
                "revision_sha256": {
                    **_nullable(SHA256),
                    "description": "The PDF revision this act produced (null for a decline).",
                },
            }
        ),
        "Slot": _obj(
            {
                "role": {"type": "string", "enum": ROLES},
                "label": STRING,
                "office": {**TEXT_OR_NULL, "description": "The principal office of the slot."},
                "holder": {**TEXT_OR_NULL, "description": "Current holder of that office."},
                "status": {"type": "string", "enum": slot_states},
                "status_label": STRING,
                "since": DATETIME_OR_NULL,
                "acts": {"type": "array", "items": _ref("Act")},
            }
        ),
        "Slots": _obj({role: _ref("Slot") for role in ROLES}),
        "CommitmentLinks": _obj(
            {
                "self": STRING,
                "pdf": TEXT_OR_NULL,
                "verification_page": {
                    "type": "string",
                    "description": "Public page the QR code leads to.",
                },
            }
        ),
        "EventRef": _obj({"id": ID, "name": STRING, "date": {"type": "string", "format": "date"}}),
        "Commitment": _obj(
            {
                "id": ID,
                "code": {"type": "string", "description": "Code in the footer and the QR URL."},
                "number": {"type": "string", "description": "Document number."},
                "version": {"type": "integer", "minimum": 1},
                "event": _ref("EventRef"),
                "region": _ref("Region"),
                "status": {"type": "string", "enum": states},
                "status_label": STRING,
                "is_complete": {"type": "boolean"},
                "whose_turn": {
                    "type": "array",
                    "items": {"type": "string", "enum": ROLES},
                    "description": "Slots that may act now.",
                },
                "owed_signatures": {
                    "type": "array",
                    "items": {"type": "string", "enum": ROLES},
                    "description": "Party slots only initialled: the principal's signature is "
                    "still owed.",
                },
                "generated_at": DATETIME_OR_NULL,
                "completed_at": DATETIME_OR_NULL,
                "voided_at": DATETIME_OR_NULL,
                "void_reason": TEXT_OR_NULL,
                "replaces_id": _nullable(ID),
                "replaced_by_id": _nullable(ID),
                "current_sha256": {
                    **_nullable(SHA256),
                    "description": "SHA-256 of the current PDF revision (the ETag of /pdf).",
                },
                "links": _ref("CommitmentLinks"),
                "slots": _ref("Slots"),
            }
        ),
        "Revision": _obj(
            {
                "sequence": {"type": "integer", "minimum": 1},
                "sha256": SHA256,
                "parent_sha256": _nullable(SHA256),
                "label": {
                    "type": "string",
                    "description": "generated, sealed, sign, paraf, witness or timestamp.",
                },
                "act_id": _nullable(ID),
                "created_at": DATETIME,
                "href": STRING,
            }
        ),
        "EventCounts": _obj(
            {
                "total": {"type": "integer", "minimum": 0},
                "by_status": _obj({s: {"type": "integer", "minimum": 0} for s in states}),
            }
        ),
        "Event": _obj(
            {
                "id": ID,
                "name": STRING,
                "date": {"type": "string", "format": "date"},
                "place": STRING,
                "province": _obj({"code": STRING, "name": STRING}),
                "is_demo": {"type": "boolean"},
                "commitments": _ref("EventCounts"),
                "links": _obj({"commitments": STRING}),
            },
            description="An event; the counts cover the commitments the token may read.",
        ),
        "EventList": _obj({"events": {"type": "array", "items": _ref("Event")}}),
        "EventCommitments": _obj(
            {
                "event": _ref("Event"),
                "commitments": {"type": "array", "items": _ref("Commitment")},
            }
        ),
        "ActRequest": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": list(ACT_KINDS)},
                "capacity": {
                    "type": ["string", "null"],
                    "enum": [*CAPACITIES, None],
                    "description": "Omit to act in the best capacity you have (holder first, "
                    "then Plt., Plh., a.n., then stand_in).",
                },
                "passphrase": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": PASSPHRASE_MAX,
                    "pattern": NO_NUL,
                    "description": "Signing passphrase; required for every act (a decline is "
                    "signed into the audit log with the official's key, and a wrong passphrase "
                    "counts toward the lock like any other).",
                },
                "reason": {
                    "type": ["string", "null"],
                    "maxLength": REASON_MAX,
                    "pattern": NO_NUL,
                    "description": "Required for a decline (its reason); otherwise an optional "
                    "note. Stored with the act and shown in the app, never written into the "
                    "PDF: the signature's /Reason is fixed text derived from the act (kind, "
                    "capacity, office).",
                },
                "attests_act_id": {
                    **_nullable(ID),
                    "description": "Witness only: the act attested (default: the latest "
                    "signature or paraf).",
                },
            },
            "additionalProperties": False,
            "required": ["kind", "passphrase"],
            "if": {"properties": {"kind": {"const": "decline"}}},
            "then": {"required": ["reason"], "properties": {"reason": {"minLength": 1}}},
        },
        "ActCreated": _obj({"act": _ref("Act"), "commitment": _ref("CommitmentDetail")}),
        "SignatureView": _obj(
            {
                "field_name": STRING,
                "kind": {
                    "type": ["string", "null"],
                    "enum": ["seal", "sign", "paraf", "witness", "timestamp", None],
                    "description": "From our records (a PDF cannot tell paraf from signature); "
                    "null when the signature is not recorded here.",
                },
                "kind_label": STRING,
                "recorded": {"type": "boolean"},
                "name": TEXT_OR_NULL,
                "office": TEXT_OR_NULL,
                "capacity": {"type": ["string", "null"], "enum": [*CAPACITIES, None]},
                "capacity_label": STRING,
                "slot": TEXT_OR_NULL,
                "attests": TEXT_OR_NULL,
                "recorded_at": DATETIME_OR_NULL,
                "certificate_name": TEXT_OR_NULL,
                "certificate_office": TEXT_OR_NULL,
                "certificate_status": STRING,
                "signing_time": DATETIME_OR_NULL,
                "timestamp_time": DATETIME_OR_NULL,
                "intact": {"type": "boolean"},
                "trusted": {"type": "boolean"},
                "revoked": {"type": "boolean"},
                "ok": {"type": "boolean"},
                "problem": TEXT_OR_NULL,
                "modification_level": TEXT_OR_NULL,
                "coverage": TEXT_OR_NULL,
            }
        ),
        "VerificationReport": _obj(
            {
                "verdict": {"type": "string", "enum": [v.value for v in Verdict]},
                "message": {"type": "string", "description": "The headline, in Indonesian."},
                "valid": {"type": "boolean"},
                "exit_code": {
                    "type": "integer",
                    "enum": [0, 1, 2],
                    "description": "As `signing verify`: 0 valid, 1 not valid, 2 cannot be "
                    "verified.",
                },
                "details": {"type": "array", "items": STRING},
                "sha256": SHA256,
                "size": {"type": "integer", "minimum": 0},
                "issued_here": {"type": "boolean"},
                "commitment": _nullable(
                    _obj({"code": STRING, "number": STRING, "region": TEXT_OR_NULL})
                ),
                "revision": {"type": ["integer", "null"]},
                "latest_revision": {"type": ["integer", "null"]},
                "is_latest": {"type": ["boolean", "null"]},
                "exact_copy": {"type": "boolean"},
                "complete": {"type": "boolean"},
                "has_lta": {"type": "boolean"},
                "outstanding": {"type": "array", "items": STRING},
                "print_copy": _nullable(
                    _obj(
                        {
                            "recorded": {"type": "boolean"},
                            "issued_at": DATETIME_OR_NULL,
                            "original_sha256": SHA256,
                            "revision": {"type": "integer"},
                        },
                        description="The file is (or claims to be) one of this system's print "
                        "copies; `recorded`: these exact bytes were handed out as one.",
                    )
                ),
                "current_status": TEXT_OR_NULL,
                "signatures": {"type": "array", "items": _ref("SignatureView")},
            },
            description="The same report as the public verification page and "
            "`signing verify --json`.",
        ),
    }
    detail = copy.deepcopy(schemas["Commitment"])
    detail["properties"]["revisions"] = {"type": "array", "items": _ref("Revision")}
    detail["required"].append("revisions")
    detail["description"] = "A commitment with its PDF revisions, oldest first."
    schemas["CommitmentDetail"] = detail
    return schemas


def _error_responses(operation_id: str) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for code in OPERATION_ERRORS[operation_id]:
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        codes = by_status[status]
        lines = "\n".join(f"- `{code}`: {ERROR_CODES[code][1]}" for code in codes)
        schema = {
            "allOf": [
                _ref("Error"),
                {"properties": {"error": {"properties": {"code": {"enum": codes}}}}},
            ]
        }
        text = _STATUS_TEXT[status]
        if "wrong_passphrase" in codes:
            text += " or wrong passphrase"
        response: dict[str, Any] = {
            "description": f"{text}. Codes:\n{lines}",
            "content": {"application/json": {"schema": schema}},
        }
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {"schema": STRING, "description": 'Bearer realm="signing"'}
            }
        if status in (429, 503):
            response["headers"] = {
                "Retry-After": {
                    "schema": STRING,
                    "description": "Seconds to wait (rate limit, passphrase lock, busy).",
                }
            }
        # Any 5xx but 503 is unexpected (a bug or a broken store): one range entry covers them.
        responses["5XX" if status == 500 else str(status)] = response
    return responses


def _id_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": ID,
    }


def _pdf_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": STRING, "description": "The SHA-256 of the PDF, quoted."},
            "Content-Disposition": {"schema": STRING},
        },
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }


_NOT_MODIFIED = {"description": "Not modified: If-None-Match named this revision's ETag."}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    responses: dict[str, Any],
    *,
    tags: list[str],
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": tags,
    }
    if parameters:
        operation["parameters"] = parameters
    if request_body:
        operation["requestBody"] = request_body
    operation["responses"] = {**responses, **_error_responses(operation_id)}
    return operation


def _paths() -> dict[str, Any]:
    commitment_id = _id_param("commitment_id", "Commitment id.")
    return {
        "/api/v1/events": {
            "get": _operation(
                "listEvents",
                "Events",
                "Every event the token may read, newest first, with the number of commitments "
                "in each status (superseded versions not counted).",
                {"200": _json("EventList", "The events.")},
                tags=["read"],
            )
        },
        "/api/v1/events/{event}/commitments": {
            "get": _operation(
                "listEventCommitments",
                "Commitments of an event",
                "Each commitment of the event the token may read, ordered by Kemendagri code: "
                "region, status and the five slots with their acts.",
                {"200": _json("EventCommitments", "The event and its commitments.")},
                tags=["read"],
                parameters=[
                    _id_param("event", "Event id."),
                    {
                        "name": "include_superseded",
                        "in": "query",
                        "required": False,
                        "description": "Also list voided versions that a newer one replaces.",
                        "schema": {"type": "string", "enum": ["true", "false", "1", "0"]},
                    },
                ],
            )
        },
        "/api/v1/commitments/{commitment_id}": {
            "get": _operation(
                "getCommitment",
                "One commitment",
                "The commitment with its slots, acts and PDF revisions.",
                {"200": _json("CommitmentDetail", "The commitment.")},
                tags=["read"],
                parameters=[commitment_id],
            )
        },
        "/api/v1/commitments/{commitment_id}/pdf": {
            "get": _operation(
                "getCommitmentPdf",
                "Current PDF",
                "The current revision, byte for byte as signed. The ETag is its SHA-256; send "
                "If-None-Match to get 304 when nothing changed.",
                {"200": _pdf_response("The PDF."), "304": _NOT_MODIFIED},
                tags=["documents"],
                parameters=[commitment_id],
            )
        },
        "/api/v1/commitments/{commitment_id}/revisions/{sha256}": {
            "get": _operation(
                "getCommitmentRevision",
                "One PDF revision",
                "Any earlier revision of the commitment's PDF, by its SHA-256 (listed in "
                "`revisions` of the commitment).",
                {"200": _pdf_response("The PDF revision."), "304": _NOT_MODIFIED},
                tags=["documents"],
                parameters=[
                    commitment_id,
                    {
                        "name": "sha256",
                        "in": "path",
                        "required": True,
                        "description": "SHA-256 of the revision (lower-case hex).",
                        "schema": SHA256,
                    },
                ],
            )
        },
        "/api/v1/commitments/{commitment_id}/slots/{slot}/acts": {
            "post": _operation(
                "createAct",
                "Sign, paraf, witness or decline",
                "Acts on one slot as the token's user, through the same operation and rules as "
                "the web pages, with the same audit entries (the act's entry names the token). "
                "Only officials act: the holder of the slot's office, the holder of a "
                "recorded mandate (capacity plt/plh/an), or the deputy without one (stand_in, "
                "paraf only); witnesses witness their own slot. The order is the event's "
                "routing policy. Wrong passphrases count toward the key's lock (429 `locked`).",
                {
                    "201": {
                        **_json("ActCreated", "The act, and the commitment's new status."),
                        "headers": {
                            "Location": {"schema": STRING, "description": "The commitment."}
                        },
                    }
                },
                tags=["acts"],
                parameters=[
                    commitment_id,
                    {
                        "name": "slot",
                        "in": "path",
                        "required": True,
                        "description": "The slot role.",
                        "schema": {"type": "string", "enum": ROLES},
                    },
                ],
                request_body={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ActRequest")}},
                },
            )
        },
        "/api/v1/verify": {
            "post": _operation(
                "verifyPdf",
                "Verify a PDF",
                "Checks a signed PDF against this system (pyHanko, our records of each act, "
                "and our revisions): the same report as the public verification page. A file "
                "that is not valid is still a 200 answer: read `verdict`.",
                {"200": _json("VerificationReport", "The verification report.")},
                tags=["verification"],
                request_body={
                    "required": True,
                    "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                                "required": ["file"],
                            }
                        },
                    },
                },
            )
        },
        "/api/v1/docs": {
            "get": {
                "operationId": "getDocs",
                "summary": "This document as a page",
                "description": "The same document rendered as HTML (no token needed).",
                "tags": ["contract"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "The page.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "description": "The OpenAPI document (no token needed).",
                "tags": ["contract"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "The document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Penandatanganan Komitmen PTSP Prima: API",
            "version": VERSION,
            "summary": "Status, documents and acts on PTSP Prima commitments, for e-office "
            "systems.",
            "description": (
                "Authenticate every request with `Authorization: Bearer <token>`; an "
                "administrator creates the token with `signing users token create USERNAME "
                "--name NAME` (shown once) and revokes it with `signing users token revoke ID`.\n\n"
                "Who reads what: secretariat and administrator tokens read every event and "
                "commitment; an official's token reads only the commitments where the official "
                "has a slot (as holder, under a recorded mandate, or as the deputy who may "
                "paraf) or has already acted, and the events of those. Anything else answers "
                "404 like something that does not exist.\n\n"
                'Every error has the shape `{"error": {"code", "message" (Indonesian), '
                '"message_en", "details"?}}`. Requests are limited per token '
                "(`API_LIMIT_PER_TOKEN`, default 120 per minute), and requests refused for an "
                "unknown or malformed token per address (`API_LIMIT_BAD_TOKEN_PER_IP`, default "
                "20 per minute): 429 `rate_limited`."
            ),
        },
        "tags": [
            {"name": "read", "description": "Events, commitments, status."},
            {"name": "documents", "description": "The signed PDFs."},
            {"name": "acts", "description": "Acting on a slot."},
            {"name": "verification", "description": "Checking a PDF."},
            {"name": "contract", "description": "This document."},
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from `signing users token create` (starts with "
                    "`sgn_`).",
                }
            },
        },
        "security": [{"bearerAuth": []}],
    }


def document() -> dict[str, Any]:
    """The OpenAPI document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_document())


# ----------------------------------------------------------------------------- the page


def _inline(text: str) -> Markup:
    """Escaped text with the document's `code` spans shown as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _type_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "allOf" in schema:
        return " & ".join(_type_text(s) for s in schema["allOf"] if "$ref" in s)
    if "oneOf" in schema:
        return " | ".join(_type_text(s) for s in schema["oneOf"])
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
    if "pattern" in schema and schema["pattern"] != NO_NUL:
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
        nested = next((s for s in prop.get("oneOf", []) if "properties" in s), None)
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
                    "description": _inline(op["description"]),
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
