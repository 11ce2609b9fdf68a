"""The event's own text (legal bases, considerations, points) that every commitment carries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.errors import EventTextLocked, GenerationRefused
from signing.models import Act, ActKind, Commitment, Event
from signing.workflow.refusals import Phrase, phrase

from .sealing import start_writing

__all__ = ["update_event_text"]


def _clean_list(name: str, items: Iterable[str], *, required: bool) -> list[str]:
    cleaned = []
    for item in items:
        if not isinstance(item, str):
            raise GenerationRefused(refusal="event_text_not_text", name=name)
        text = " ".join(item.split())
        if text:
            cleaned.append(text)
    if required and not cleaned:
        raise GenerationRefused(refusal="event_text_empty", name=name)
    return cleaned


def update_event_text(
    db_session: Session,
    event: Event,
    legal_bases: Iterable[str],
    considerations: Iterable[str],
    points: Iterable[str],
    *,
    actor: Any,
) -> list[Commitment]:
    """Replace the event's legal bases, considerations and commitment points.

    Refused once anyone has acted on a live document of the event (their text would no longer
    be what they signed). Returns the live, already generated commitments that still carry the
    old text: regenerate them (:func:`regenerate`) to apply it.

    :raises EventTextLocked: a party or witness has acted on one of the event's documents.
    :raises GenerationRefused: a list is empty (legal bases and points are required).
    """
    start_writing(db_session)
    legal = _clean_list("Dasar hukum", legal_bases, required=True)
    whereas = _clean_list("Pertimbangan", considerations, required=False)
    items = _clean_list("Butir komitmen", points, required=True)
    live = [
        c
        for c in db_session.execute(
            sa.select(Commitment).where(
                Commitment.event_id == event.id, Commitment.voided_at.is_(None)
            )
        ).scalars()
    ]
    acted = (
        db_session.execute(
            sa.select(Commitment.number)
            .join(Act, Act.commitment_id == Commitment.id)
            .where(Commitment.id.in_([c.id for c in live]), Act.kind != ActKind.SEAL)
            .distinct()
            .order_by(Commitment.number)
        )
        .scalars()
        .all()
        if live
        else []
    )
    if acted:
        shown: str | Phrase = ", ".join(acted[:5])
        if len(acted) > 5:
            shown = phrase("and_more", first=shown, count=len(acted) - 5)
        raise EventTextLocked(refusal="event_text_locked", documents=shown)
    before = {
        "legal_bases": len(event.legal_bases or ()),
        "considerations": len(event.considerations or ()),
        "points": len(event.points or ()),
    }
    event.legal_bases = legal
    event.considerations = whereas
    event.points = items
    db_session.flush()
    stale = [c for c in live if c.current_sha256 is not None]
    audit.record_about(
        db_session,
        "event.text_update",
        event,
        actor=actor,
        details={
            "before": before,
            "after": {
                "legal_bases": len(legal),
                "considerations": len(whereas),
                "points": len(items),
            },
            "stale_commitments": [c.id for c in stale],
        },
    )
    return stale
