"""What the secretariat watches: the status matrix of an event, its totals and MCP figures.

The status of each slot and commitment comes from :mod:`signing.workflow.status`
(``commitment_status``: derived from the acts, never stored), loaded by
:func:`signing.secretariat.overview.load_overview`; the words are
:mod:`signing.secretariat.words`, the lists to chase :mod:`signing.secretariat.chase`. Nothing
here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.dates import wib_text
from signing.db import utcnow
from signing.models import Act, ActKind, BandScheme, Capacity, Commitment, Event, Region
from signing.models.commitments import SlotRole
from signing.secretariat import mcp
from signing.secretariat.overview import Overview, acts_by_id, load_overview
from signing.secretariat.words import (
    ACT_WORDS,
    COMMITMENT_CLASSES,
    COMMITMENT_WORDS,
    MATRIX_SLOTS,
    actor_line,
    slot_history,
    state_word,
)
from signing.workflow.status import CommitmentState, CommitmentStatus, SlotState, SlotStatus


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent; 0 of nothing."""
    return round(100 * part / whole) if whole else 0


@dataclass
class Cell:
    role: SlotRole
    state: SlotState
    word: str
    #: Who acted when it was not the office holder: "paraf oleh Wakil Bupati H.M. Taufik Mukri".
    stand_in: str | None
    #: Who acted (any capacity) and when, for the cell's tooltip and the exports.
    actor: str | None
    since: dt.datetime | None
    #: For a witness cell: what the witness attested ("paraf Wakil Bupati ...").
    attests: str | None = None
    is_turn: bool = False
    #: Every act on the slot in the order it happened ("paraf Wakil Bupati ..., lalu
    #: ditandatangani Bupati ..."): the latest act alone hides that a deputy initialled first.
    history: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return f"st-{self.state.value}"


@dataclass
class Row:
    commitment: Commitment | None
    region: Region
    status: CommitmentStatus | None
    cells: list[Cell]
    mcp: mcp.ScoreView | None = None

    @property
    def state_word(self) -> str:
        if self.status is None:
            return "dokumen belum dibuat"
        return COMMITMENT_WORDS[self.status.state]

    @property
    def state_css(self) -> str:
        if self.status is None:
            return "st-pending"
        return COMMITMENT_CLASSES[self.status.state]


@dataclass
class SlotTotals:
    role: SlotRole
    counts: dict[SlotState, int]
    total: int

    @property
    def done(self) -> int:
        return self.counts.get(SlotState.SIGNED, 0)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    def percent_of(self, state: SlotState) -> float:
        return 100 * self.counts.get(state, 0) / self.total if self.total else 0.0


@dataclass
class Dashboard:
    event: Event
    rows: list[Row]
    slot_totals: list[SlotTotals]
    commitment_counts: dict[CommitmentState, int]
    generated_at: dt.datetime
    mcp_period: str | None
    periods: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(1 for row in self.rows if row.status is not None)

    @property
    def complete(self) -> int:
        return self.commitment_counts.get(CommitmentState.COMPLETE, 0)

    @property
    def percent_complete(self) -> int:
        return percent(self.complete, self.total)

    @property
    def bar_states(self) -> tuple[SlotState, ...]:
        """Order of the segments in each slot's bar."""
        return (SlotState.SIGNED, SlotState.PARAF_ONLY, SlotState.DECLINED)

    @property
    def slots_done(self) -> int:
        return sum(t.done for t in self.slot_totals)

    @property
    def slots_total(self) -> int:
        return sum(t.total for t in self.slot_totals)

    @property
    def paraf_only(self) -> int:
        return sum(t.counts.get(SlotState.PARAF_ONLY, 0) for t in self.slot_totals)

    @property
    def declined(self) -> int:
        return sum(t.counts.get(SlotState.DECLINED, 0) for t in self.slot_totals)

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.status is None)


def _cell(
    role: SlotRole,
    slot: SlotStatus,
    region: Region,
    acts: dict[int, Act],
    turn: Sequence[SlotRole],
) -> Cell:
    latest = next(
        (
            act
            for act in (slot.decline_act, slot.sign_act, slot.witness_act, slot.paraf_act)
            if act is not None
        ),
        None,
    )
    stand_in = None
    if latest is not None and Capacity(latest.capacity) != Capacity.HOLDER:
        stand_in = f"{ACT_WORDS[ActKind(latest.kind)]} oleh {actor_line(latest, region)}"
    actor = None
    if latest is not None:
        actor = f"{actor_line(latest, region)}, {wib_text(latest.created_at)}"
    attests = None
    if slot.witness_act is not None and slot.witness_act.attests_act_id is not None:
        attested = acts.get(slot.witness_act.attests_act_id)
        # Worth a line only when the witnesses attested something other than a holder's own
        # signature: a paraf, or an act by a stand-in (the scene of the article).
        if attested is not None and (
            attested.kind == ActKind.PARAF or Capacity(attested.capacity) != Capacity.HOLDER
        ):
            attests = f"{ACT_WORDS[ActKind(attested.kind)]} {actor_line(attested, region)}"
    return Cell(
        role=role,
        state=slot.state,
        word=state_word(role, slot.state),
        stand_in=stand_in,
        actor=actor,
        since=slot.since,
        attests=attests,
        is_turn=role in turn,
        history=slot_history(slot, region),
    )


def build_dashboard(
    db_session: Session,
    event: Event,
    *,
    mcp_period: str | None = None,
    loaded: tuple[Overview, list[Region]] | None = None,
) -> Dashboard:
    """The matrix, totals and MCP figures of ``event``.

    Regions of the event's province with no commitment yet appear as rows without cells, so
    a forgotten Kabupaten/Kota shows. Queries: :func:`load_overview` plus two (band schemes,
    MCP figures).
    """
    overview, missing = load_overview(db_session, event) if loaded is None else loaded
    rows: list[Row] = []
    for commitment, status in overview:
        region = commitment.region
        acts = acts_by_id(status)
        cells = [
            _cell(role, status.slots[role], region, acts, status.whose_turn)
            for role in MATRIX_SLOTS
        ]
        rows.append(Row(commitment, region, status, cells))
    rows.extend(Row(None, region, None, []) for region in missing)
    rows.sort(key=lambda row: row.region.kemendagri_code)

    schemes = list(db_session.execute(sa.select(BandScheme)).scalars())
    progress = mcp.progress_by_region(db_session, (row.region.id for row in rows), schemes)
    periods = mcp.periods_of(progress.values())
    chosen = mcp_period or (periods[-1] if periods else None)
    for row in rows:
        target = progress.get(row.region.id)
        row.mcp = target.at(chosen) if target is not None else None

    slot_totals = []
    for role in MATRIX_SLOTS:
        counts = dict.fromkeys(SlotState, 0)
        for row in rows:
            if row.status is not None:
                counts[row.status.slots[role].state] += 1
        slot_totals.append(SlotTotals(role, counts, sum(counts.values())))
    commitment_counts = dict.fromkeys(CommitmentState, 0)
    for row in rows:
        if row.status is not None:
            commitment_counts[row.status.state] += 1
    return Dashboard(
        event=event,
        rows=rows,
        slot_totals=slot_totals,
        commitment_counts=commitment_counts,
        generated_at=utcnow(),
        mcp_period=chosen,
        periods=periods,
    )


def matrix_json(board: Dashboard) -> dict[str, Any]:
    """The matrix as plain data (for the refresh endpoint and integrations)."""
    return {
        "event": {"id": board.event.id, "name": board.event.name},
        "generated_at": board.generated_at.isoformat(),
        "total": board.total,
        "complete": board.complete,
        "rows": [
            {
                "region": row.region.kemendagri_code,
                "name": row.region.name,
                "commitment_id": row.commitment.id if row.commitment else None,
                "state": row.status.state.value if row.status else None,
                "cells": {
                    cell.role.value: {
                        "state": cell.state.value,
                        "word": cell.word,
                        "stand_in": cell.stand_in,
                    }
                    for cell in row.cells
                },
            }
            for row in board.rows
        ],
    }
