"""Loading one commitment with everything the rules, the status and the pages read.

One loader for the signing pages, verification, the QR page and printing, so that each reads a
commitment in the same handful of queries.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from signing.models import Act, Commitment, Office, Slot


def load_commitment(
    db_session: Session, *, commitment_id: int | None = None, code: str | None = None
) -> Commitment | None:
    """The commitment with this id or public code (exactly one of them), or None."""
    if (commitment_id is None) == (code is None):
        raise ValueError("give exactly one of commitment_id and code")
    condition = Commitment.id == commitment_id if code is None else Commitment.code == code
    return db_session.execute(
        sa.select(Commitment)
        .where(condition)
        .options(
            selectinload(Commitment.event),
            selectinload(Commitment.region),
            selectinload(Commitment.revisions),
            selectinload(Commitment.acts).selectinload(Act.slot),
            selectinload(Commitment.acts).selectinload(Act.attests),
            selectinload(Commitment.slots).selectinload(Slot.acts),
            selectinload(Commitment.slots).selectinload(Slot.office).selectinload(Office.holders),
        )
    ).scalar_one_or_none()
