"""Reading through ``/api/v1``: events, commitments and their PDFs, as the token may read
them (:mod:`signing.api.access`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.orm import selectinload

from signing import db
from signing.api import serializers
from signing.api.errors import ApiError, not_found
from signing.api.schemas import (
    SHA256_PATTERN,
    CommitmentDetailSchema,
    EventCommitmentsQuerySchema,
    EventCommitmentsSchema,
    EventListSchema,
)
from signing.api.views import (
    BINARY,
    SHA256,
    bp,
    commitment_or_404,
    event_or_404,
    pdf_response,
    reader,
)
from signing.commitments.errors import RevisionNotFound
from signing.commitments.storage import current_pdf, revision_pdf
from signing.models import Commitment, Event
from signing.workflow.status import commitment_status, event_overview


def _pdf_answer(description: str) -> Callable[[Callable], Callable]:
    """Documents a PDF answer: the bytes with their ETag, or 304 for a matching If-None-Match."""

    def decorate(view: Callable) -> Callable:
        view = bp.alt_response(
            304, description="Not modified: If-None-Match named this revision's ETag."
        )(view)
        return bp.response(
            200,
            BINARY,
            content_type="application/pdf",
            description=description,
            headers={
                "ETag": {
                    "schema": {"type": "string"},
                    "description": "The SHA-256 of the PDF, quoted.",
                },
                "Content-Disposition": {"schema": {"type": "string"}},
            },
        )(view)

    return decorate


@bp.route("/events", tags=["read"])
@bp.operation("listEvents")
@bp.response(200, EventListSchema, description="The events.")
def events() -> dict[str, Any]:
    """Events

    Every event the token may read, newest first, with the number of commitments in each
    status (superseded versions not counted).
    """
    policy = reader()
    result = []
    if policy.sees_all:
        rows = db.session.execute(
            sa.select(Event)
            .options(selectinload(Event.province))
            .order_by(Event.date.desc(), Event.id.desc())
        ).scalars()
        for event in rows:
            states = [status.state for _, status in event_overview(db.session, event.id)]
            result.append(serializers.event_json(event, states))
    else:
        readable = policy.readable_commitments()
        replaced = {c.replaces_id for c in readable if c.replaces_id is not None}
        by_event: dict[int, list[Commitment]] = {}
        for commitment in readable:
            by_event.setdefault(commitment.event_id, []).append(commitment)
        ordered = sorted(
            (group[0].event for group in by_event.values()), key=lambda e: (e.date, e.id)
        )
        for event in reversed(ordered):
            states = [
                commitment_status(c).state
                for c in by_event[event.id]
                if not (c.voided_at is not None and c.id in replaced)
            ]
            result.append(serializers.event_json(event, states))
    return {"events": result}


@bp.route("/events/<int:event>/commitments", tags=["read"])
@bp.operation("listEventCommitments")
@bp.arguments(EventCommitmentsQuerySchema, location="query")
@bp.response(200, EventCommitmentsSchema, description="The event and its commitments.")
def event_commitments(query: dict[str, bool], event: int) -> dict[str, Any]:
    """Commitments of an event

    Each commitment of the event the token may read, ordered by Kemendagri code: region,
    status and the five slots with their acts.
    """
    item = event_or_404(event)
    include = query["include_superseded"]
    policy = reader()
    pairs = event_overview(db.session, item.id, include_superseded=include)
    if not policy.sees_all:
        pairs = [(c, s) for c, s in pairs if policy.may_read(c)]
        if not pairs and not policy.readable_commitments(item.id):
            raise not_found("event_not_found")
    states = [s.state for _, s in pairs]
    return {
        "event": serializers.event_json(item, states),
        "commitments": serializers.commitments_json(db.session, pairs),
    }


@bp.route("/commitments/<int:commitment_id>", tags=["read"])
@bp.operation("getCommitment")
@bp.response(200, CommitmentDetailSchema, description="The commitment.")
def commitment(commitment_id: int) -> dict[str, Any]:
    """One commitment

    The commitment with its slots, acts and PDF revisions.
    """
    item = commitment_or_404(commitment_id)
    replaced = serializers.replacements(db.session, [item])
    return serializers.commitment_json(item, replaced_by=replaced.get(item.id), with_revisions=True)


@bp.route("/commitments/<int:commitment_id>/pdf", tags=["documents"])
@bp.operation("getCommitmentPdf")
@_pdf_answer("The PDF.")
def commitment_pdf(commitment_id: int) -> Response:
    """Current PDF

    The current revision, byte for byte as signed. The ETag is its SHA-256; send
    If-None-Match to get 304 when nothing changed.
    """
    item = commitment_or_404(commitment_id)
    if item.current_sha256 is None:
        raise ApiError.of("no_document")
    # A stored file that fails its hash check is answered by the app's one handler
    # (signing.web.errors: 500 "storage_error", the same words as the pages).
    data = current_pdf(db.session, item)
    return pdf_response(data, item.current_sha256, item.number)


@bp.route(
    "/commitments/<int:commitment_id>/revisions/<sha256>",
    tags=["documents"],
    parameters=[
        {
            "in": "path",
            "name": "sha256",
            "description": "SHA-256 of the revision (lower-case hex).",
            "schema": {"type": "string", "pattern": SHA256_PATTERN},
        }
    ],
)
@bp.operation("getCommitmentRevision")
@_pdf_answer("The PDF revision.")
def commitment_revision(commitment_id: int, sha256: str) -> Response:
    """One PDF revision

    Any earlier revision of the commitment's PDF, by its SHA-256 (listed in `revisions` of the
    commitment).
    """
    item = commitment_or_404(commitment_id)
    missing = ApiError.of("revision_not_found")
    if not SHA256.match(sha256):
        raise missing
    try:
        data = revision_pdf(db.session, item, sha256)
    except RevisionNotFound:
        raise missing from None
    return pdf_response(data, sha256, f"{item.number}-rev-{sha256[:12]}")
