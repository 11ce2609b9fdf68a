"""Generating an event's documents in batches, so a page can show progress.

Each call handles the next few Kabupaten/Kota after a cursor (the last Kemendagri code done) and
returns the new cursor. The cursor travels with the request and everything else is in the
database, so any gunicorn worker can serve the next batch, and a reload or a second browser
simply carries on (already generated regions are skipped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.commitments.errors import GenerationError
from signing.commitments.generation import generate_event, regenerate
from signing.models import Act, ActKind, Commitment, Event, Region

DEFAULT_BATCH = 3
MAX_BATCH = 25
MODES = ("generate", "regenerate")


@dataclass
class BatchResult:
    mode: str
    total: int
    #: Regions handled so far (this batch included), in code order.
    position: int
    next_cursor: str | None
    generated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.next_cursor is None

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "total": self.total,
            "position": self.position,
            "next": self.next_cursor,
            "done": self.done,
            "generated": self.generated,
            "skipped": self.skipped,
            "errors": [{"region": code, "message": message} for code, message in self.errors],
        }


def _province_codes(db_session: Session, event: Event) -> list[str]:
    return list(
        db_session.execute(
            sa.select(Region.kemendagri_code)
            .where(Region.province_code == event.province_code)
            .order_by(Region.kemendagri_code)
        ).scalars()
    )


def run_batch(
    db_session: Session,
    event: Event,
    *,
    actor: Any,
    after: str | None = None,
    size: int = DEFAULT_BATCH,
    mode: str = "generate",
) -> BatchResult:
    """Generate (or, ``mode="regenerate"``, re-render untouched documents of) the next regions.

    ``size=0`` means all remaining regions in one go (the page without JavaScript).
    """
    if mode not in MODES:
        raise ValueError(mode)
    codes = _province_codes(db_session, event)
    remaining = [code for code in codes if after is None or code > after]
    size = len(remaining) if size <= 0 else min(size, MAX_BATCH)
    batch, rest = remaining[:size], remaining[size:]
    result = BatchResult(
        mode=mode,
        total=len(codes),
        position=len(codes) - len(rest),
        next_cursor=batch[-1] if batch and rest else None,
    )
    if not batch:
        return result
    regions = list(
        db_session.execute(
            sa.select(Region)
            .where(Region.kemendagri_code.in_(batch))
            .order_by(Region.kemendagri_code)
        ).scalars()
    )
    if mode == "generate":
        report = generate_event(db_session, event, actor=actor, regions=regions)
        result.generated = [c.region.kemendagri_code for c in report.generated]
        result.skipped = [r.kemendagri_code for r in report.skipped]
        result.errors = [(r.kemendagri_code, message) for r, message in report.errors]
        return result

    live = db_session.execute(
        sa.select(Commitment)
        .join(Region, Commitment.region_id == Region.id)
        .where(
            Commitment.event_id == event.id,
            Commitment.voided_at.is_(None),
            Commitment.current_sha256.is_not(None),
            Region.kemendagri_code.in_(batch),
        )
        .order_by(Region.kemendagri_code)
    ).scalars()
    for commitment in live:
        code = commitment.region.kemendagri_code
        acted = db_session.execute(
            sa.select(Act.id)
            .where(Act.commitment_id == commitment.id, Act.kind != ActKind.SEAL)
            .limit(1)
        ).first()
        if acted is not None:
            result.skipped.append(code)
            continue
        try:
            with db_session.begin_nested():
                regenerate(db_session, commitment, actor=actor)
            result.generated.append(code)
        except GenerationError as error:
            result.errors.append((code, str(error)))
    return result
