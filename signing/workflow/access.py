"""Who may read a commitment, and which offices' slots may concern a user: one policy.

The web pages (signing page, page images, PDF, bulk titles) and the API both ask this module,
so a person gets the same answer whichever door they use (docs/access.md states the rule):

- Secretariat and administrator accounts read every commitment.
- An official reads a commitment while a slot on it concerns them today in any capacity
  (holder, the deputy who may paraf, the holder of a recorded mandate; decided by
  :func:`signing.workflow.rules.capacities`, the same rule the acts use) *or* once they have
  acted on it: whoever initialled or signed must always be able to see the record of what
  they did, even after the mandate is revoked or the office changes hands.
- Nobody else, and no inactive account, reads anything.

The listing (:meth:`ReadPolicy.readable_commitments`) narrows in SQL with the same two
conditions and then runs the per-object check over the result, so a list never shows a
commitment that the per-object check would refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.models import Act, Commitment, Mandate, Office, Role, Slot, User
from signing.workflow import rules
from signing.workflow.operations import active_mandates

__all__ = ["STAFF", "ReadPolicy", "acted_on", "candidate_offices", "may_read"]

#: Roles that read every commitment (they run the ceremony and keep the record).
STAFF = (Role.SECRETARIAT, Role.ADMIN)


def candidate_offices(db_session: Session, user: User, mandates: Iterable[Mandate]) -> set[int]:
    """A superset of the offices whose slots ``user`` may act on (the rules narrow it).

    Offices held now, the principal offices of the deputy posts held (the Bupati's office for a
    Wakil Bupati, who may paraf for him) and the principals of the user's mandates. Inactive
    accounts and non-officials have none.
    """
    if user.role != Role.OFFICIAL or not user.active:
        return set()
    held = list(user.current_offices)
    ids = {office.id for office in held}
    ids.update(m.principal_office_id for m in mandates)
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
        ids.update(db_session.execute(query).scalars())
    return ids


def acted_on(commitment: Commitment, user: User) -> bool:
    """Whether ``user`` performed any act on ``commitment`` (paraf, signature, witness...)."""
    return any(act.actor_user_id == user.id for slot in commitment.slots for act in slot.acts)


class ReadPolicy:
    """The read permissions of one user, for the length of one request (mandates cached)."""

    def __init__(self, db_session: Session, user: User, today: dt.date | None = None) -> None:
        self.db_session = db_session
        self.user = user
        self.active = bool(user.active)
        self.sees_all = self.active and user.role in STAFF
        self._mandates: list[Mandate] | None = None
        self._today = today or rules.today_wib()

    @property
    def mandates(self) -> list[Mandate]:
        if self._mandates is None:
            self._mandates = active_mandates(self.db_session, self.user)
        return self._mandates

    def may_read(self, commitment: Commitment) -> bool:
        if self.sees_all:
            return True
        if self.user.role != Role.OFFICIAL or not self.active:
            return False
        if acted_on(commitment, self.user):
            return True
        return any(
            rules.capacities(commitment, slot, self.user, self.mandates, self._today)
            for slot in commitment.slots
        )

    def filter(self, commitments: Iterable[Commitment]) -> list[Commitment]:
        return [c for c in commitments if self.may_read(c)]

    def readable_commitments(
        self, event_id: int | None = None, options: Iterable[Any] = ()
    ) -> list[Commitment]:
        """Every commitment this user may read (all versions), optionally of one event."""
        query = sa.select(Commitment).options(*options).order_by(Commitment.id)
        if event_id is not None:
            query = query.where(Commitment.event_id == event_id)
        if not self.sees_all:
            if self.user.role != Role.OFFICIAL or not self.active:
                return []
            candidates = candidate_offices(self.db_session, self.user, self.mandates)
            acted = sa.select(Act.commitment_id).where(Act.actor_user_id == self.user.id)
            with_slot = sa.select(Slot.commitment_id).where(Slot.office_id.in_(candidates))
            if not candidates:
                with_slot = with_slot.where(sa.false())
            query = query.where(sa.or_(Commitment.id.in_(acted), Commitment.id.in_(with_slot)))
        # The SQL above is a superset (an office held is not yet a capacity on the day); the
        # per-object check decides, so the list and the single read never disagree.
        return self.filter(self.db_session.execute(query).scalars())


def may_read(db_session: Session, user: Any, commitment: Commitment) -> bool:
    """One-off check for ``user`` (anonymous users, without a role, read nothing)."""
    if not getattr(user, "is_authenticated", True) or getattr(user, "role", None) is None:
        return False
    return ReadPolicy(db_session, user).may_read(commitment)
