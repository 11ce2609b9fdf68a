"""The commitment's lock: every writer of a commitment starts its transaction here.

Writers always lock in the same order (commitment row, then the audit chain).
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from signing.db import begin_write
from signing.models import Act, Commitment, Office, OfficeHolder, Slot
from signing.workflow.refusals import refuse


def lock_commitment(db_session: Session, commitment_id: int) -> Commitment:
    """Start a writing transaction and lock one commitment; load it fresh with slots and acts.

    On SQLite ``BEGIN IMMEDIATE`` takes the database's write lock; on PostgreSQL the row is
    locked with ``FOR UPDATE`` (a no-op on SQLite). Whatever the session held before is expired,
    so the rules see what other transactions committed while we waited.
    """
    begin_write(db_session)
    db_session.expire_all()
    commitment = (
        db_session.execute(_lock_statement(), {"commitment_id": commitment_id})
        .unique()
        .scalar_one_or_none()
    )
    if commitment is None:
        raise refuse("commitment_not_found")
    # Each slot's acts are the commitment's acts of that slot: handed over instead of queried.
    by_slot: dict[int, list[Act]] = {slot.id: [] for slot in commitment.slots}
    for act in commitment.acts:
        if act.slot_id in by_slot:
            by_slot[act.slot_id].append(act)
    for slot in commitment.slots:
        set_committed_value(slot, "acts", by_slot[slot.id])
    return commitment


# The statements of every act are built once: building one (its options above all) costs more
# than the database takes to answer it, and a built statement keeps its cache key.


@functools.cache
def _lock_statement() -> sa.Select[tuple[Commitment]]:
    return (
        sa.select(Commitment)
        .where(Commitment.id == sa.bindparam("commitment_id"))
        # OF: only the commitment's row is locked (the joined event and region are read).
        .with_for_update(of=Commitment)
        .options(
            joinedload(Commitment.event),
            joinedload(Commitment.region),
            # Not joined: a statement that waited for the lock re-reads only the locked row;
            # rows joined to it come from the snapshot taken before the wait (PostgreSQL's READ
            # COMMITTED), so acts joined here would miss the act we just waited for. The acts
            # are read by their own statement, after the lock is held.
            selectinload(Commitment.acts),
            # Slots, offices and holders change only with a new document version or the
            # registry, never under this lock: joined, they cost no round trip of their own.
            joinedload(Commitment.slots)
            .joinedload(Slot.office)
            .joinedload(Office.holders)
            .joinedload(OfficeHolder.user),
        )
        .execution_options(populate_existing=True)
    )
