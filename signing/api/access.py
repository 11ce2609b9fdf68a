"""Who may read what through the API.

- Secretariat and administrator tokens read every event and commitment.
- An official's token reads only the commitments in which the official has a place: those with a
  slot they may act on today (as holder, under a recorded mandate, or as the deputy who may
  paraf; decided by :func:`signing.workflow.rules.capacities`, the same rule the acts use), and
  those they already acted on. The events listed are the events of those commitments, and an
  event's list holds only those commitments. Whatever else exists answers 404, exactly like
  something that does not exist, so a token cannot probe for other regions' documents.

Least privilege is deliberate: a Bupati's e-office system needs its own region's commitment,
not its neighbours' (their public status is on the QR page for whoever holds the paper).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from signing.models import Act, Commitment, Mandate, Office, Role, Slot, User
from signing.workflow import rules
from signing.workflow.operations import active_mandates

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


class Reader:
    """The read permissions of one token's user, for the length of one request."""

    def __init__(self, db_session: Session, user: User) -> None:
        self.db_session = db_session
        self.user = user
        self.sees_all = user.role in (Role.SECRETARIAT, Role.ADMIN)
        self._mandates: list[Mandate] | None = None
        self._today = rules.today_wib()

    @property
    def mandates(self) -> list[Mandate]:
        if self._mandates is None:
            self._mandates = active_mandates(self.db_session, self.user)
        return self._mandates

    def may_read(self, commitment: Commitment) -> bool:
        if self.sees_all:
            return True
        if self.user.role != Role.OFFICIAL or not self.user.active:
            return False
        if any(act.actor_user_id == self.user.id for slot in commitment.slots for act in slot.acts):
            return True
        return any(
            rules.capacities(commitment, slot, self.user, self.mandates, self._today)
            for slot in commitment.slots
        )

    def filter(self, commitments: Iterable[Commitment]) -> list[Commitment]:
        return [c for c in commitments if self.may_read(c)]

    def readable_commitments(self, event_id: int | None = None) -> list[Commitment]:
        """Every commitment this user may read (all versions), optionally of one event."""
        query = sa.select(Commitment).options(*commitment_options()).order_by(Commitment.id)
        if event_id is not None:
            query = query.where(Commitment.event_id == event_id)
        if not self.sees_all:
            candidates = self._candidate_offices()
            acted = sa.select(Act.commitment_id).where(Act.actor_user_id == self.user.id)
            with_slot = sa.select(Slot.commitment_id).where(Slot.office_id.in_(candidates))
            if not candidates:
                with_slot = with_slot.where(sa.false())
            query = query.where(sa.or_(Commitment.id.in_(acted), Commitment.id.in_(with_slot)))
        return self.filter(self.db_session.execute(query).scalars())

    def _candidate_offices(self) -> list[int]:
        """A superset of the offices whose slots the user may act on (narrowed by the rules).

        Offices held, principals of the user's mandates, and the principal offices of the
        deputy posts held (the Bupati's office for a Wakil Bupati).
        """
        if self.user.role != Role.OFFICIAL or not self.user.active:
            return []
        held = [h.office for h in self.user.holdings if h.ended_on is None]
        ids = {office.id for office in held}
        ids.update(m.principal_office_id for m in self.mandates)
        for office in held:
            principal_kind = office.kind.deputy_of
            if principal_kind is None:
                continue
            query = sa.select(Office.id).where(
                Office.kind == principal_kind,
                Office.province_code == office.province_code,
                Office.region_id.is_(None)
                if office.region_id is None
                else Office.region_id == office.region_id,
            )
            ids.update(self.db_session.execute(query).scalars())
        return sorted(ids)
