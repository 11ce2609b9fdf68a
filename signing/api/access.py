"""Who may read what through the API: the domain's policy (:mod:`signing.workflow.access`).

Whatever a token may not read answers 404, exactly like something that does not exist, so a
token cannot probe for other regions' documents. The events listed are the events of the
readable commitments, and an event's list holds only those commitments.

Least privilege is deliberate: a Bupati's e-office system needs its own region's commitment,
not its neighbours' (their public status is on the QR page for whoever holds the paper).
"""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from signing.models import Commitment, Office, Slot
from signing.workflow.access import ReadPolicy

__all__ = ["Reader", "commitment_options"]


def commitment_options() -> list:
    """Loader options for serialising commitments (a fixed number of queries)."""
    return [
        selectinload(Commitment.event),
        selectinload(Commitment.region),
        selectinload(Commitment.revisions),
        selectinload(Commitment.slots).selectinload(Slot.acts),
        selectinload(Commitment.slots).selectinload(Slot.office).selectinload(Office.holders),
    ]


class Reader(ReadPolicy):
    """The domain's read policy, listing with the loader options the serialisers need."""

    def readable_commitments(self, event_id: int | None = None, options=None) -> list[Commitment]:  # type: ignore[no-untyped-def, override]
        return super().readable_commitments(
            event_id, commitment_options() if options is None else options
        )
