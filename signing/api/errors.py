"""Error objects of the JSON API: one shape for every error the API answers with.

``{"error": {"code": "...", "message": "<Indonesian>", "message_en": "<English>"}}``, plus
``details`` where there is more to say (whose turn it is awaited, which fields are wrong).
Refusals of the workflow engine keep the engine's code and Indonesian message (which says why);
the English line is the generic meaning of the code.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.wrappers import Response

from signing.workflow.rules import WorkflowRefused

#: English meaning of every workflow refusal code (the Indonesian message comes from the engine).
REFUSAL_EN = {
    "not_found": "Commitment not found.",
    "not_your_slot": "This is not your slot.",
    "no_mandate": "No recorded mandate (Plt./Plh./a.n.) valid for you on this slot; without one "
    "you may only initial (paraf).",
    "wrong_kind": "This kind of act does not apply to this slot.",
    "reason_required": "A reason is required.",
    "bad_attestation": "The attested act must be a signature or paraf on this document.",
    "wrong_passphrase": "Wrong signing passphrase.",
    "locked": "Too many wrong passphrases: signing is locked for a while.",
    "not_enrolled": "No signing key enrolled yet.",
    "certificate_not_usable": "The signing certificate is revoked or expired.",
    "already_done": "Already done.",
    "not_your_turn": "Not your turn yet.",
    "void": "The commitment was voided; use its latest version.",
    "complete": "The commitment is already fully signed and witnessed.",
    "declined": "The commitment was declined; the secretariat must void and reissue it.",
    "not_generated": "The document has not been generated yet.",
    "conflict": "The document was just changed by someone else; reload and try again.",
    "signing_failed": "Signing failed.",
    "forbidden": "Forbidden.",
    "invalid_mandate": "Invalid mandate.",
    "one_role": "One person, one role per commitment: you already acted on another slot of "
    "this commitment (or the act to witness is your own).",
}


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
    def from_refusal(cls, refused: WorkflowRefused) -> ApiError:
        details = {k: v for k, v in refused.details.items() if _is_plain(v)}
        return cls(
            refused.http_status,
            refused.code,
            refused.message,
            REFUSAL_EN.get(refused.code, "The request was refused."),
            details=details or None,
        )

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


def not_found(what: str = "Data tidak ditemukan.", en: str = "Not found.") -> ApiError:
    return ApiError(404, "not_found", what, en)
