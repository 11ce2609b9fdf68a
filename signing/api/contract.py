"""The machinery that makes ``/api/v1`` and its OpenAPI document one thing (flask-smorest).

- :class:`ApiBlueprint`: routes declare their input and output schemas (:mod:`signing.api.schemas`)
  and their operation (:meth:`ApiBlueprint.operation`); flask-smorest parses and validates the
  input with webargs, serialises the output and documents both.
- :class:`Parser`: input that fails its schema answers the API's error object (422
  ``invalid_body`` or ``invalid_parameter``), never flask-smorest's own shape.
- :class:`ContractApi`: builds the document. It registers no error handler on an app: the
  pages' errors stay HTML, and only the blueprint answers JSON (:mod:`signing.api.views`).
- :data:`ERROR_CODES`: every error code the API answers, with its status and meaning: both
  from the refusal catalogue (:mod:`signing.workflow.refusal_texts`).
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
from signing.workflow.refusals import CODES

__all__ = ["ERROR_CODES", "OPERATION_ERRORS", "ApiBlueprint", "ContractApi"]

#: The API's own error codes (the refusal catalogue holds each one's status and meaning).
_API_CODES = [
    "missing_token",
    "invalid_token",
    "revoked_token",
    "not_found",
    "unknown_slot",
    "no_document",
    "revision_not_found",
    "http_404",
    "too_large",
    "unsupported_media_type",
    "invalid_body",
    "invalid_parameter",
    "no_file",
    "rate_limited",
    "storage_error",
    "http_500",
    "busy",
    "not_migrated",
    "database_unavailable",
]

#: The refusal codes an act may answer.
ACT_REFUSALS = [
    "not_your_slot",
    "no_mandate",
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
    "wrong_kind",
    "reason_required",
    "bad_attestation",
    "wrong_passphrase",
    "locked",
    "signing_failed",
]

#: Every error code of the API: status and meaning (English; messages are in Indonesian too),
#: both from the refusal catalogue (:data:`signing.workflow.refusals.CODES`).
ERROR_CODES: dict[str, tuple[int, str]] = {code: CODES[code] for code in ACT_REFUSALS + _API_CODES}

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
