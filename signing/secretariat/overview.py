"""An event's commitments and their status, loaded in a fixed number of queries.

:func:`load_overview` returns what :func:`signing.workflow.status.event_overview` returns, but
``event_overview`` eager-loads with ``selectinload``, whose ``IN`` lists are cut into chunks of
500, so a national event (514 commitments, 2,570 slots) costs it 23 queries; joins here keep it
at two or three. :func:`board_fingerprint` sums up in one query what the dashboard shows, for its
refresh. Nothing here writes.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from signing.models import (
    Act,
    AuditEntry,
    BandScheme,
    Commitment,
    Event,
    McpScore,
    Office,
    Region,
    Slot,
)
from signing.regions.importer import REGISTRY_IMPORT
from signing.workflow.routing import RoutingPolicy
from signing.workflow.status import CommitmentStatus, commitment_status


def acts_by_id(status: CommitmentStatus) -> dict[int, Act]:
    return {act.id: act for slot in status.slots.values() for act in slot.acts}


Overview = list[tuple[Commitment, CommitmentStatus]]


def load_overview(
    db_session: Session, event: Event, *, with_offices: bool = False
) -> tuple[Overview, list[Region]]:
    """Every live commitment of ``event`` (newest version per region) with its status, and
    the regions of the event's province that have none yet: two queries whatever the size,
    three ``with_offices`` (each slot's office and its holders, for naming who owes what).

    The same result as ``event_overview`` (a test compares them), loaded with joins.
    """
    newer = aliased(Commitment)
    rows = db_session.execute(
        sa.select(Region, Commitment)
        .outerjoin(
            Commitment,
            sa.and_(
                Commitment.region_id == Region.id,
                Commitment.event_id == event.id,
                ~sa.exists().where(newer.replaces_id == Commitment.id),
            ),
        )
        .where(sa.or_(Region.province_code == event.province_code, Commitment.id.is_not(None)))
        .order_by(Region.kemendagri_code, Commitment.version)
    ).all()
    commitments: list[Commitment] = []
    missing: list[Region] = []
    for region, commitment in rows:
        if commitment is None:
            missing.append(region)
            continue
        set_committed_value(commitment, "region", region)
        set_committed_value(commitment, "event", event)
        commitments.append(commitment)
    if not commitments:
        return [], missing
    ids = sa.select(Commitment.id).where(Commitment.event_id == event.id).scalar_subquery()
    slots: dict[int, list[Slot]] = {c.id: [] for c in commitments}
    acts: dict[int, list[Act]] = {}
    seen: dict[int, Slot] = {}
    for slot, act in db_session.execute(
        sa.select(Slot, Act)
        .outerjoin(Act, Act.slot_id == Slot.id)
        .where(Slot.commitment_id.in_(ids))
        .order_by(Slot.commitment_id, Slot.position, Act.id)
    ):
        if slot.id not in seen:
            seen[slot.id] = slot
            acts[slot.id] = []
            if slot.commitment_id in slots:
                slots[slot.commitment_id].append(slot)
        if act is not None:
            acts[slot.id].append(act)
    if with_offices:
        # Offices and holders in one query; slot.office then resolves from the identity map.
        db_session.execute(
            sa.select(Office)
            .options(joinedload(Office.holders))
            .where(Office.id.in_(sa.select(Slot.office_id).where(Slot.commitment_id.in_(ids))))
        ).unique().scalars().all()
    for slot_id, slot in seen.items():
        set_committed_value(slot, "acts", acts[slot_id])
    policy = RoutingPolicy.from_dict(event.routing_policy)
    overview = []
    for commitment in commitments:
        set_committed_value(commitment, "slots", slots[commitment.id])
        for slot in slots[commitment.id]:
            set_committed_value(slot, "commitment", commitment)
        overview.append((commitment, commitment_status(commitment, policy)))
    return overview, missing


def board_fingerprint(db_session: Session, event: Event) -> tuple[Any, ...]:
    """What the matrix of ``event`` shows, summed up in one query: the refresh's validator.

    It changes whenever a rendered row could: a commitment generated, voided, reissued or
    completed (count, newest id and the sum of ``lock_version``, which every ORM update of a
    commitment bumps); an act made, or a seal replaced on regeneration (acts are never edited:
    count and newest id); a region added or moved, or renamed to a name of another length
    (no table here has an update stamp, so text is summed by length); an MCP figure entered or
    corrected in place (sums weighted by id); a band scheme added; the event's signing order
    changed; a registry import (which may rename a region to a name of the same length).
    Nothing on the board depends on the clock (its times are absolute) or on mandates
    and reminders (an act keeps its own capacity and actor), so neither is counted.
    """
    in_event = sa.select(Commitment.id).where(Commitment.event_id == event.id)
    shown_regions = sa.or_(
        Region.province_code == event.province_code,
        Region.id.in_(sa.select(Commitment.region_id).where(Commitment.event_id == event.id)),
    )
    count, most, total = sa.func.count, sa.func.max, sa.func.sum

    def part(name: str, *columns: Any, where: Any = None) -> sa.Subquery:
        query = sa.select(*(column.label(f"{name}_{i}") for i, column in enumerate(columns)))
        return (query if where is None else query.where(where)).subquery(name)

    def weighted(column: Any) -> Any:
        # A float, not a Decimal (SQLite warns about those); only equality matters here.
        return sa.type_coerce(total(McpScore.id * sa.func.coalesce(column, -1)), sa.Float)

    parts = [
        part(
            "commitments",
            count(Commitment.id),
            most(Commitment.id),
            total(Commitment.lock_version),
            where=Commitment.event_id == event.id,
        ),
        part("slots", count(Slot.id), most(Slot.id), where=Slot.commitment_id.in_(in_event)),
        part("acts", count(Act.id), most(Act.id), where=Act.commitment_id.in_(in_event)),
        part(
            "regions",
            count(Region.id),
            most(Region.id),
            total(Region.id * sa.func.length(Region.name)),
            total(Region.id * sa.func.length(Region.kind)),
            where=shown_regions,
        ),
        part(
            "scores",
            count(McpScore.id),
            most(McpScore.id),
            weighted(McpScore.ptsp_percent),
            weighted(McpScore.delegation_percent),
            where=McpScore.region_id.in_(sa.select(Region.id).where(shown_regions)),
        ),
        part("schemes", count(BandScheme.id), most(BandScheme.id)),
        # Regions are renamed only by the registry import, which leaves an audit entry: a new
        # name of the same length changes none of the sums above, but this one.
        part("registry", most(AuditEntry.id), where=AuditEntry.action == REGISTRY_IMPORT),
    ]
    # Each part is one aggregate row; cross-joined, they make one statement and one row.
    joined: Any = parts[0]
    for following in parts[1:]:
        joined = joined.join(following, sa.true())
    row = db_session.execute(
        sa.select(*(column for subquery in parts for column in subquery.c)).select_from(joined)
    ).one()
    policy = json.dumps(event.routing_policy, sort_keys=True, default=str)
    return (event.id, event.province_code, policy, *row)
