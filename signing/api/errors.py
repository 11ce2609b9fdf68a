"""Error objects of the JSON API: one shape for every error the API answers with.

``{"error": {"code": "...", "message": "<Indonesian>", "message_en": "<English>"}}``, plus
``details`` where there is more to say (whose turn it is awaited, which fields are wrong).
Refusals keep their catalogue entry's code and Indonesian message (which says why); the English
line is the same message in English (:mod:`signing.workflow.refusals`).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.wrappers import Response

from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused


class ApiError(Exception):
    """An error answer of the API (raised by views and the token check)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_en: str,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
        self.details = details
        self.headers = headers or {}

    @classmethod
    def from_refusal(
        cls, refused: WorkflowRefused, *, headers: dict[str, str] | None = None
    ) -> ApiError:
        details = {k: v for k, v in refused.details.items() if _is_plain(v)}
        return cls(
            refused.http_status,
            refused.code,
            refused.message,
            refused.english(),
            details=details or None,
            headers=headers,
        )

    @classmethod
    def of(cls, key: str, *, headers: dict[str, str] | None = None, **values: Any) -> ApiError:
        """The answer for the catalogue's entry ``key`` (its code, status and both texts)."""
        return cls.from_refusal(refuse(key, **values), headers=headers)

    def response(self) -> Response:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.details:
            body["details"] = self.details
        response = jsonify({"error": body})
        response.status_code = self.status
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


def _is_plain(value: Any) -> bool:
    if isinstance(value, str | int | float | bool) or value is None:
        return True
    if isinstance(value, list | tuple):
        return all(_is_plain(v) for v in value)
    return False


def not_found(key: str = "commitment_not_found") -> ApiError:
    """404 ``not_found``: the catalogue's entry ``key`` (a commitment or an event)."""
    return ApiError.of(key)
