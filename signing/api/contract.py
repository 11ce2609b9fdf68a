"""The machinery that makes ``/api/v1`` and its OpenAPI document one thing (flask-smorest).

- :class:`ApiBlueprint`: routes declare their input and output schemas (:mod:`signing.api.schemas`)
  and their operation (:meth:`ApiBlueprint.operation`); flask-smorest parses and validates the
  input with webargs, serialises the output and documents both.
- :class:`Parser`: input that fails its schema answers the API's error object (422
  ``invalid_body`` or ``invalid_parameter``), never flask-smorest's own shape.
- :class:`ContractApi`: builds the document. It registers no error handler on an app: the
  pages' errors stay HTML, and only the blueprint answers JSON (:mod:`signing.api.views`).
- :data:`ERROR_CODES`: every error code with its status; the workflow's refusals come from the
  workflow's own table, the rest are the API's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask
from flask_smorest import Api, Blueprint
from flask_smorest.spec.plugins import FlaskPlugin
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from signing.api.schemas import ID_MAX, ErrorSchema, invalid, problems_of
from signing.workflow.refusals import CATALOGUE

__all__ = ["ERROR_CODES", "OPERATION_ERRORS", "ApiBlueprint", "ContractApi"]

#: The API's own error codes by status, with their meaning.
_API_CODES: dict[int, dict[str, str]] = {
    401: {
        "missing_token": "No 'Authorization: Bearer <token>' header.",
        "invalid_token": "Unknown or malformed token, or its account is inactive.",
        "revoked_token": "The token was revoked (signing users token revoke).",
    },
    404: {
        "not_found": "No such event or commitment, or your token may not read it.",
        "unknown_slot": "The slot in the path is not one of the five slot roles.",
        "no_document": "The commitment's PDF has not been generated yet.",
        "revision_not_found": "No revision of this commitment has that SHA-256.",
        "http_404": "The path matches no endpoint (e.g. a non-numeric id).",
    },
    413: {"too_large": "The request body is larger than allowed."},
    415: {"unsupported_media_type": "Send application/pdf or multipart/form-data."},
    422: {
        "invalid_body": "The JSON body does not match the schema; details.problems lists why.",
        "invalid_parameter": "A query parameter has an invalid value.",
        "no_file": "The multipart body has no 'file' field.",
    },
    429: {
        "rate_limited": "Too many requests with this token (API_LIMIT_PER_TOKEN), or with "
        "unknown tokens from this address (API_LIMIT_BAD_TOKEN_PER_IP).",
    },
    500: {
        "storage_error": "A stored PDF does not match its hash.",
        "http_500": "Unexpected server error.",
    },
    503: {
        "busy": "Every verification slot is busy; retry after Retry-After seconds.",
        "not_migrated": "The database schema is not up to date (signing db upgrade).",
        "database_unavailable": "The database cannot be reached (down or restarting); retry "
        "after Retry-After seconds.",
    },
}

#: The refusal codes an act may answer, with what each means for a client. Their statuses are
#: the refusal catalogue's (signing/workflow/refusals.py); the messages say the rest.
ACT_REFUSALS: dict[str, str] = {
    "not_your_slot": "The slot is not yours (secretariat and admin never act).",
    "no_mandate": "No recorded Plt./Plh./a.n. mandate valid today for this slot; a deputy "
    "without one may only paraf as stand_in.",
    "already_done": "Already signed/initialled/declined: a repeated submit.",
    "not_your_turn": "The routing order waits for other slots first; details.waiting_for names "
    "them.",
    "complete": "The commitment is already complete.",
    "one_role": "One person, one role per commitment: the official already acted on another "
    "slot of it (nobody witnesses their own act or fills two slots).",
    "declined": "A party declined; the secretariat must void and reissue it.",
    "void": "The commitment was voided; act on its replacement.",
    "not_generated": "The document has not been generated yet.",
    "not_enrolled": "The official has not enrolled a signing key.",
    "certificate_not_usable": "The signing certificate is revoked or expired.",
    "conflict": "A concurrent change won; reload and retry.",
    "wrong_kind": "This kind of act does not apply to the slot (e.g. witness on a party).",
    "reason_required": "A decline needs a reason.",
    "bad_attestation": "attests_act_id is not a signature or paraf of this commitment.",
    "wrong_passphrase": "Wrong signing passphrase; the message says how many tries remain.",
    "locked": "Too many wrong passphrases: the official's key is locked for a while (Retry-After).",
    "signing_failed": "The signature could not be made.",
}


#: The status of each refusal code: the catalogue's.
_CATALOGUE_STATUS = {entry.code: entry.status for entry in CATALOGUE.values()}

#: Every error code of the API: status and meaning (English; messages are in Indonesian too).
#: A code that is a refusal of the catalogue answers the catalogue's status.
ERROR_CODES: dict[str, tuple[int, str]] = {
    **{code: (_CATALOGUE_STATUS[code], text) for code, text in ACT_REFUSALS.items()},
    **{
        code: (_CATALOGUE_STATUS.get(code, status), text)
        for status, codes in _API_CODES.items()
        for code, text in codes.items()
    },
}

_AUTH = ["missing_token", "invalid_token", "revoked_token", "rate_limited"]
_SERVER = ["http_500", "not_migrated", "database_unavailable"]
_READ = [*_AUTH, "not_found", "http_404"]

#: Error codes per operation (besides the success answers).
OPERATION_ERRORS: dict[str, list[str]] = {
    "listEvents": [*_AUTH, *_SERVER],
    "listEventCommitments": [*_READ, "invalid_parameter", *_SERVER],
    "getCommitment": [*_READ, *_SERVER],
    "getCommitmentPdf": [*_READ, "no_document", "storage_error", *_SERVER],
    "getCommitmentRevision": [*_READ, "revision_not_found", "storage_error", *_SERVER],
    "createAct": [
        *_READ,
        "unknown_slot",
        *ACT_REFUSALS,
        "too_large",
        "invalid_body",
        *_SERVER,
    ],
    "verifyPdf": [*_AUTH, "too_large", "unsupported_media_type", "no_file", "busy", *_SERVER],
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
_STRING = {"type": "string"}


def error_responses(operation_id: str) -> dict[int | str, dict[str, Any]]:
    """The error answers of an operation, one per status, each listing its codes."""
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(OPERATION_ERRORS[operation_id]):
        by_status.setdefault(ERROR_CODES[code][0], []).append(code)
    responses: dict[int | str, dict[str, Any]] = {}
    for status, codes in sorted(by_status.items()):
        lines = "\n".join(f"- `{code}`: {ERROR_CODES[code][1]}" for code in codes)
        text = _STATUS_TEXT[status] + (
            " or wrong passphrase" if "wrong_passphrase" in codes else ""
        )
        response: dict[str, Any] = {
            "description": f"{text}. Codes:\n{lines}",
            "schema": {
                "allOf": [
                    ErrorSchema,
                    {"properties": {"error": {"properties": {"code": {"enum": codes}}}}},
                ]
            },
        }
        if status == 401:
            response["headers"] = {
                "WWW-Authenticate": {"schema": _STRING, "description": 'Bearer realm="signing"'}
            }
        if status in (429, 503):
            response["headers"] = {
                "Retry-After": {
                    "schema": _STRING,
                    "description": "Seconds to wait (rate limit, passphrase lock, busy).",
                }
            }
        # Any 5xx but 503 is unexpected (a bug or a broken store): one range entry covers them.
        responses["5XX" if status == 500 else status] = response
    return responses


class Parser(FlaskParser):
    """webargs' Flask parser answering the API's error object.

    The body is read as JSON whatever its declared media type (as ``get_json(force=True)``):
    anything that is not JSON is an invalid body, like JSON of the wrong shape.
    """

    def _raw_load_json(self, req: Any) -> Any:
        return core.parse_json(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error: Exception, req: Any, *a: Any, **k: Any) -> NoReturn:
        raise invalid(["the body: not a JSON document"])

    def handle_error(self, error: ma.ValidationError, req: Any, schema: Any, **_: Any) -> NoReturn:
        ((location, messages),) = error.messages.items()  # type: ignore[union-attr]
        code = "invalid_body" if location == "json" else "invalid_parameter"
        raise invalid(problems_of(messages), code)


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint with the API's parser and a decorator naming operations."""

    ARGUMENTS_PARSER = Parser()

    def operation(self, operation_id: str, *, public: bool = False) -> Callable:
        """Names an operation (summary and description: the view's docstring) and documents
        each error it may answer, from :data:`OPERATION_ERRORS`."""

        def decorate(view: Callable) -> Callable:
            if public:
                return self.doc(operationId=operation_id, security=[])(view)
            for status, response in error_responses(operation_id).items():
                view = self.alt_response(status, **response)(view)
            return self.doc(operationId=operation_id)(view)

        return decorate


class _OperationParameters(FlaskPlugin):
    """Path parameters on each operation rather than on the path (integrators' generators and
    the tests read them there); an integer in a path is always a database id."""

    def __init__(self) -> None:
        super().__init__()
        self.register_converter(
            IntegerConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": ID_MAX}
        )

    def path_helper(self, rule: Any, operations: Any, parameters: Any, **kwargs: Any) -> str:
        path = super().path_helper(rule, operations, parameters, **kwargs)
        parameters.sort(key=lambda p: path.find("{" + p["name"] + "}"))
        for operation in operations.values():
            operation["parameters"] = [*parameters, *operation.get("parameters", [])]
            responses = operation.get("responses", {})
            operation["responses"] = dict(sorted(responses.items(), key=lambda r: str(r[0])))
        parameters.clear()
        return path


class ContractApi(Api):
    """flask-smorest's Api as a document builder only: no default error answer, no app-wide
    error handler, no docs blueprint of its own (the blueprint serves both)."""

    DEFAULT_ERROR_RESPONSE_NAME = None
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """None: flask-smorest's would turn every HTML page's error into JSON."""

    def _register_pagination_header(self) -> None:
        """None: the API does not paginate."""


def build_document(blueprint: ApiBlueprint, info: dict[str, Any], tags: list[dict]) -> dict:
    """The OpenAPI 3.1 document of ``blueprint``, generated on an app of its own: the contract
    is a property of the code, not of a configured instance, so tests and tools read it without
    one."""
    app = Flask(__name__)
    app.config.update(
        API_TITLE=info["title"],
        API_VERSION=info["version"],
        OPENAPI_VERSION="3.1.0",
        API_SPEC_OPTIONS={"info": info, "tags": tags, "security": [{"bearerAuth": []}]},
    )
    api = ContractApi(app, spec_kwargs={"flask_plugin": _OperationParameters()})
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `signing users token create` (starts with `sgn_`).",
        },
    )
    api.register_blueprint(blueprint)
    # Through JSON once: what is served is exactly what a client reads (no tuples, no sets).
    document = json.loads(json.dumps(api.spec.to_dict()))
    # Paths in the order of their tags (reading before acting), routes in order within one.
    order = [tag["name"] for tag in tags]
    document["paths"] = dict(
        sorted(
            document["paths"].items(),
            key=lambda item: order.index(next(iter(item[1].values()))["tags"][0]),
        )
    )
    return document
