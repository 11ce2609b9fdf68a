"""The shapes of ``/api/v1``, once: marshmallow schemas that validate what comes in, serialise
what goes out and, through apispec, are the OpenAPI document's components.

Enums come from the models (slot roles, act kinds, capacities, states). Every response field is
required and no other field is allowed, so an answer can hold nothing the document does not
name. What is never serialised: IP addresses, user agents, account ids and usernames, audit
entries, mandate letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from signing.api.errors import ApiError
from signing.models import ActKind, Capacity, SlotRole
from signing.verification.service import Verdict
from signing.workflow.refusals import refuse
from signing.workflow.routing import SlotState
from signing.workflow.status import CommitmentState

__all__ = ["ID_MAX", "ActBody", "InvalidInput", "invalid", "parse_act"]

#: Kinds an API client may ask for (the office seal is the system's own).
ACT_KINDS = ("sign", "paraf", "witness", "decline")
CAPACITIES = tuple(c.value for c in Capacity)
ROLES = tuple(r.value for r in SlotRole)
PASSPHRASE_MAX = 1024
REASON_MAX = 2000
#: Largest id the database holds (PostgreSQL ``integer``): bigger ones cannot exist.
ID_MAX = 2**31 - 1
#: PostgreSQL stores no NUL character in text: refused at the door rather than failing later.
NO_NUL = validate.Regexp("^[^\\u0000]*$", error="must not contain NUL characters")
SHA256_PATTERN = "^[0-9a-f]{64}$"


def _meta(description: str | None, **more: Any) -> dict[str, Any]:
    return {"metadata": {**({"description": description} if description else {}), **more}}


def text(description: str | None = None, *, null: bool = False, **more: Any) -> fields.String:
    """A required string of an answer (``null`` allows null)."""
    return fields.String(required=True, allow_none=null, **_meta(description, **more))


def when(description: str | None = None, *, null: bool = False) -> fields.String:
    """A moment (ISO 8601, UTC), formatted by the serialisers."""
    return text(description, null=null, format="date-time")


def digest(description: str | None = None, *, null: bool = False) -> fields.String:
    return text(description, null=null, pattern=SHA256_PATTERN)


def enum(values: Any, description: str | None = None, *, null: bool = False) -> fields.String:
    return fields.String(
        required=True,
        allow_none=null,
        validate=validate.OneOf([str(v) for v in values]),
        **_meta(description),
    )


def count() -> fields.Integer:
    return fields.Integer(required=True, validate=validate.Range(min=0))


def flag(description: str | None = None, *, null: bool = False) -> fields.Boolean:
    return fields.Boolean(required=True, allow_none=null, **_meta(description))


class Id(fields.Integer):
    """A database id: a JSON integer from 1 to :data:`ID_MAX` (7.0 counts, as in JSON Schema;
    ``true`` and ``"7"`` do not)."""

    def __init__(self, description: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        super().__init__(
            strict=True, validate=validate.Range(min=1, max=ID_MAX), **_meta(description), **kwargs
        )

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super()._validated(value)


def nested(schema: Any, description: str | None = None, *, null: bool = False) -> fields.Nested:
    return fields.Nested(schema, required=True, allow_none=null, **_meta(description))


def many(item: Any, description: str | None = None) -> fields.List:
    if isinstance(item, type) and issubclass(item, ma.Schema):
        item = fields.Nested(item)
    return fields.List(item, required=True, **_meta(description))


def named(name: str, members: dict[str, fields.Field], description: str = "") -> type[ma.Schema]:
    """A schema class with one field per name (one per slot role, one per state)."""
    return type(name, (ma.Schema,), {**members, "__doc__": description or None})


# ----------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class ActBody:
    """What an act request's body asks for."""

    kind: ActKind
    capacity: Capacity | None
    passphrase: str
    reason: str | None
    attests_act_id: int | None


class ActRequestSchema(ma.Schema):
    """The act asked for; no other field is accepted."""

    kind = fields.String(required=True, validate=validate.OneOf(ACT_KINDS))
    capacity = fields.String(
        allow_none=True,
        validate=validate.OneOf(CAPACITIES),
        **_meta(
            "Omit to act in the best capacity you have (holder first, then Plt., Plh., a.n., "
            "then stand_in)."
        ),
    )
    passphrase = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=PASSPHRASE_MAX), NO_NUL],
        **_meta(
            "Signing passphrase; required for every act (a decline is signed into the audit "
            "log with the official's key, and a wrong passphrase counts toward the lock like "
            "any other)."
        ),
    )
    reason = fields.String(
        allow_none=True,
        validate=[validate.Length(max=REASON_MAX), NO_NUL],
        **_meta(
            "Required for a decline (its reason; a missing one is refused by the workflow "
            "rules: 422 `reason_required`); otherwise an optional note. Stored with the act "
            "and shown in the app, never written into the PDF: the signature's /Reason is "
            "fixed text derived from the act (kind, capacity, office)."
        ),
    )
    attests_act_id = Id(
        "Witness only: the act attested (default: the latest signature or paraf).",
        required=False,
        allow_none=True,
    )

    @ma.post_load
    def _body(self, data: dict[str, Any], **_kwargs: Any) -> ActBody:
        capacity = data.get("capacity")
        return ActBody(
            kind=ActKind(data["kind"]),
            capacity=Capacity(capacity) if capacity is not None else None,
            passphrase=data["passphrase"],
            reason=data.get("reason"),
            attests_act_id=data.get("attests_act_id"),
        )


class EventCommitmentsQuerySchema(ma.Schema):
    include_superseded = fields.Boolean(
        load_default=False,
        truthy={"true", "1"},
        falsy={"false", "0"},
        **_meta("Also list voided versions that a newer one replaces."),
    )


class VerifyUploadSchema(ma.Schema):
    """The PDF as a form upload; other form fields are ignored."""

    class Meta:
        unknown = ma.EXCLUDE

    file = fields.String(required=True, **_meta(None, format="binary"))


def problems_of(messages: Any, where: str = "") -> list[str]:
    """marshmallow's nested error messages as flat ``"field: message"`` lines."""
    if isinstance(messages, dict):
        return [
            line
            for name, inner in messages.items()
            for line in problems_of(inner, where if name == "_schema" else f"{where}{name}.")
        ]
    if isinstance(messages, list | tuple):
        return [line for message in messages for line in problems_of(message, where)]
    return [f"{where.rstrip('.') or 'the body'}: {str(messages).rstrip('.')}"]


class InvalidInput(ApiError):
    """A request whose body or parameters fail their schema (422)."""


def invalid(problems: list[str], code: str = "invalid_body") -> InvalidInput:
    """422 listing ``problems``: the catalogue's ``invalid_body`` or ``invalid_parameter``."""
    refused = refuse(code, problems=problems)
    return InvalidInput(
        refused.http_status,
        refused.code,
        refused.message,
        refused.english(),
        details={"problems": problems},
    )


def parse_act(body: Any) -> ActBody:
    """The act request in ``body`` (parsed JSON), or :class:`ApiError` 422 listing problems:
    what the endpoint's parser does with a request's body."""
    try:
        return ActRequestSchema().load(body)
    except ma.ValidationError as error:
        raise invalid(problems_of(error.messages)) from None


# ----------------------------------------------------------------------------- answers


class ErrorBodySchema(ma.Schema):
    code = text("Machine-readable code (see the table of codes).")
    message = text("Indonesian message.")
    message_en = text("English message.")
    details = fields.Dict(
        **_meta(
            "More about the error: `problems` (invalid input), `waiting_for` (not your turn), "
            "`locked_until`."
        )
    )


class ErrorSchema(ma.Schema):
    """Every error answer of the API has this shape."""

    error = nested(ErrorBodySchema)


class RegionSchema(ma.Schema):
    """A Kabupaten/Kota, with both official codes (they differ for some)."""

    kemendagri_code = text(examples=["62.02"])
    bps_code = text(null=True, examples=["6202"])
    name = text(examples=["Kabupaten Kotawaringin Timur"])
    kind = enum(["kabupaten", "kota"])


class ActorSchema(ma.Schema):
    name = text()
    office = text("The office the actor acted in, as at the time.", null=True)


class ActSchema(ma.Schema):
    id = Id()
    kind = enum([k.value for k in ActKind if k != ActKind.SEAL])
    capacity = enum(
        CAPACITIES,
        "holder; plt/plh/an under a recorded mandate; stand_in: a deputy without mandate "
        "(paraf only).",
    )
    actor = nested(ActorSchema)
    time = when()
    attests_act_id = Id(
        "For a witness act: the signature or paraf it attests.", required=True, allow_none=True
    )
    reason = text(null=True)
    revision_sha256 = digest("The PDF revision this act produced (null for a decline).", null=True)


class SlotSchema(ma.Schema):
    role = enum(ROLES)
    label = text()
    office = text("The principal office of the slot.", null=True)
    holder = text("Current holder of that office.", null=True)
    status = enum([s.value for s in SlotState])
    status_label = text()
    since = when(null=True)
    acts = many(ActSchema)


SlotsSchema = named("SlotsSchema", {role: nested(SlotSchema) for role in ROLES})


class CommitmentLinksSchema(ma.Schema):
    self = text()
    pdf = text(null=True)
    verification_page = text("Public page the QR code leads to.")


class EventRefSchema(ma.Schema):
    id = Id()
    name = text()
    date = text(format="date")


class CommitmentSchema(ma.Schema):
    id = Id()
    code = text("Code in the footer and the QR URL.")
    number = text("Document number.")
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    event = nested(EventRefSchema)
    region = nested(RegionSchema)
    status = enum([s.value for s in CommitmentState])
    status_label = text()
    is_complete = flag()
    whose_turn = many(enum(ROLES), "Slots that may act now.")
    owed_signatures = many(
        enum(ROLES), "Party slots only initialled: the principal's signature is still owed."
    )
    generated_at = when(null=True)
    completed_at = when(null=True)
    voided_at = when(null=True)
    void_reason = text(null=True)
    replaces_id = Id(allow_none=True)
    replaced_by_id = Id(allow_none=True)
    current_sha256 = digest("SHA-256 of the current PDF revision (the ETag of /pdf).", null=True)
    links = nested(CommitmentLinksSchema)
    slots = nested(SlotsSchema)


class RevisionSchema(ma.Schema):
    sequence = fields.Integer(required=True, validate=validate.Range(min=1))
    sha256 = digest()
    parent_sha256 = digest(null=True)
    label = text("generated, sealed, sign, paraf, witness or timestamp.")
    act_id = Id(allow_none=True)
    created_at = when()
    href = text()


class CommitmentDetailSchema(CommitmentSchema):
    """A commitment with its PDF revisions, oldest first."""

    revisions = many(RevisionSchema)


EventStatusCountsSchema = named(
    "EventStatusCountsSchema", {state.value: count() for state in CommitmentState}
)


class EventCountsSchema(ma.Schema):
    total = count()
    by_status = nested(EventStatusCountsSchema)


class ProvinceSchema(ma.Schema):
    code = text()
    name = text()


class EventLinksSchema(ma.Schema):
    commitments = text()


class EventSchema(ma.Schema):
    """An event; the counts cover the commitments the token may read."""

    id = Id()
    name = text()
    date = text(format="date")
    place = text()
    province = nested(ProvinceSchema)
    is_demo = flag()
    commitments = nested(EventCountsSchema)
    links = nested(EventLinksSchema)


class EventListSchema(ma.Schema):
    events = many(EventSchema)


class EventCommitmentsSchema(ma.Schema):
    event = nested(EventSchema)
    commitments = many(CommitmentSchema)


class ActCreatedSchema(ma.Schema):
    act = nested(ActSchema)
    commitment = nested(CommitmentDetailSchema)


class SignatureViewSchema(ma.Schema):
    field_name = text()
    kind = enum(
        ["seal", "sign", "paraf", "witness", "timestamp"],
        "From our records (a PDF cannot tell paraf from signature); null when the signature "
        "is not recorded here.",
        null=True,
    )
    kind_label = text()
    recorded = flag()
    name = text(null=True)
    office = text(null=True)
    capacity = enum(CAPACITIES, null=True)
    capacity_label = text()
    slot = text(null=True)
    attests = text(null=True)
    recorded_at = when(null=True)
    certificate_name = text(null=True)
    certificate_office = text(null=True)
    certificate_status = text()
    signing_time = when(null=True)
    timestamp_time = when(null=True)
    intact = flag()
    trusted = flag()
    revoked = flag()
    ok = flag()
    problem = text(null=True)
    modification_level = text(null=True)
    coverage = text(null=True)


class ReportCommitmentSchema(ma.Schema):
    code = text()
    number = text()
    region = text(null=True)


class PrintCopySchema(ma.Schema):
    """The file is (or claims to be) one of this system's print copies; `recorded`: these exact
    bytes were handed out as one."""

    recorded = flag()
    issued_at = when(null=True)
    original_sha256 = digest()
    revision = fields.Integer(required=True)


class VerificationReportSchema(ma.Schema):
    """The same report as the public verification page and `signing verify --json`."""

    verdict = enum([v.value for v in Verdict])
    message = text("The headline, in Indonesian.")
    valid = flag()
    exit_code = fields.Integer(
        required=True,
        validate=validate.OneOf([0, 1, 2]),
        **_meta("As `signing verify`: 0 valid, 1 not valid, 2 cannot be verified."),
    )
    details = many(fields.String())
    sha256 = digest()
    size = count()
    issued_here = flag()
    commitment = nested(ReportCommitmentSchema, null=True)
    revision = fields.Integer(required=True, allow_none=True)
    latest_revision = fields.Integer(required=True, allow_none=True)
    is_latest = flag(null=True)
    exact_copy = flag()
    complete = flag()
    has_lta = flag()
    outstanding = many(fields.String())
    print_copy = nested(PrintCopySchema, null=True)
    current_status = text(null=True)
    signatures = many(SignatureViewSchema)
