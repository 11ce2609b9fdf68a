"""What the secretariat watches: the status matrix of an event and the lists to chase.

The status of each slot and commitment comes from :mod:`signing.workflow.status`
(``commitment_status``: derived from the acts, never stored). The rows are loaded by
:func:`load_overview`, which returns what ``event_overview`` returns but in a fixed number of
queries for any size: ``event_overview`` eager-loads with ``selectinload``, whose ``IN`` lists
are cut into chunks of 500, so a national event (514 commitments, 2,570 slots) costs it 23
queries; joins here keep it at two or three. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from signing.dates import clock_text, moment_text
from signing.db import utcnow
from signing.models import (
    Act,
    ActKind,
    AuditEntry,
    BandScheme,
    Capacity,
    Commitment,
    Event,
    McpScore,
    Office,
    Region,
    Slot,
)
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS, SlotRole
from signing.models.regions import OFFICE_LABELS
from signing.regions.importer import REGISTRY_IMPORT
from signing.secretariat import mcp
from signing.workflow.routing import RoutingPolicy
from signing.workflow.status import (
    CommitmentState,
    CommitmentStatus,
    SlotState,
    SlotStatus,
    commitment_status,
)

ALL_SLOTS: tuple[SlotRole, ...] = (*PARTY_SLOTS, *WITNESS_SLOTS)
#: Matrix column order as the secretariat reads it: the region's two parties, the Gubernur,
#: then the witnesses.
MATRIX_SLOTS: tuple[SlotRole, ...] = (
    SlotRole.KEPALA_DAERAH,
    SlotRole.KETUA_DPRD,
    SlotRole.GUBERNUR,
    SlotRole.SAKSI_WAKIL_GUBERNUR,
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI,
)
COLUMN_LABELS = {
    SlotRole.KEPALA_DAERAH: "Bupati/Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi Wakil Gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi Ketua DPRD Provinsi",
}
#: Audit actions in the commitment timeline, in words; unknown actions show as they are.
AUDIT_WORDS = {
    "commitment.generate": "Dokumen dibuat",
    "commitment.regenerate": "Dokumen dibuat ulang",
    "commitment.seal": "Disegel instansi",
    "commitment.void": "Dokumen dibatalkan (void)",
    "commitment.reissue": "Versi baru diterbitkan",
    "commitment.complete": "Komitmen lengkap",
    "act.sign": "Ditandatangani",
    "act.paraf": "Diparaf",
    "act.witness": "Disaksikan",
    "act.decline": "Ditolak",
    "act.refused": "Tindakan ditolak sistem",
    "reminder.send": "Pengingat dikirim",
    "mail.failed": "E-mail pemberitahuan tidak terkirim",
    "notification.turn": "Pemberitahuan giliran",
    "mandate.create": "Mandat dicatat",
    "mandate.revoke": "Mandat dicabut",
}
#: Column heads of the matrix: short enough for a tablet held upright.
SHORT_LABELS = {
    SlotRole.KEPALA_DAERAH: "Bupati/ Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi: Wagub",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi: Ketua DPRD Prov.",
}


def state_word(role: SlotRole, state: SlotState) -> str:
    """The word in a matrix cell: menunggu, paraf saja, ditandatangani / disaksikan, ditolak."""
    if state is SlotState.SIGNED:
        return "disaksikan" if role.is_witness else "ditandatangani"
    return {
        SlotState.PENDING: "menunggu",
        SlotState.PARAF_ONLY: "paraf saja",
        SlotState.DECLINED: "ditolak",
    }[state]


COMMITMENT_WORDS = {
    CommitmentState.DRAFT: "belum ada tindakan",
    CommitmentState.CIRCULATING: "berjalan",
    CommitmentState.PARAF_OUTSTANDING: "tanda tangan terutang",
    CommitmentState.SIGNED_BY_ALL: "menunggu saksi",
    CommitmentState.COMPLETE: "lengkap",
    CommitmentState.DECLINED: "ditolak",
    CommitmentState.VOID: "dibatalkan",
}
COMMITMENT_CLASSES = {
    CommitmentState.DRAFT: "st-pending",
    CommitmentState.CIRCULATING: "st-pending",
    CommitmentState.PARAF_OUTSTANDING: "st-paraf_only",
    CommitmentState.SIGNED_BY_ALL: "st-paraf_only",
    CommitmentState.COMPLETE: "st-signed",
    CommitmentState.DECLINED: "st-declined",
    CommitmentState.VOID: "st-void",
}


def wib(moment: dt.datetime | None, *, with_date: bool = True) -> str:
    """``24-10-2019 10.15 WIB`` (:mod:`signing.dates`); ``–`` for nothing."""
    if moment is None:
        return "–"
    return moment_text(moment) if with_date else clock_text(moment)


def duration_words(delta: dt.timedelta) -> str:
    """``3 hari 4 jam``, ``5 jam 12 menit``, ``kurang dari 1 menit``."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} hari {hours} jam"
    if hours:
        return f"{hours} jam {minutes} menit"
    if minutes:
        return f"{minutes} menit"
    return "kurang dari 1 menit"


OFFICE_WORDS = frozenset(OFFICE_LABELS.values())
#: Provincial office titles end with the province's name, which the page already shows.
PROVINCIAL_TITLES = ("Ketua DPRD Provinsi", "Wakil Gubernur", "Gubernur")


def _office_word(title: str | None, region: Region | None) -> str:
    """ "Wakil Bupati" for "Wakil Bupati Kotawaringin Timur" (the page already names the place)."""
    if not title:
        return ""
    for prefix in PROVINCIAL_TITLES:
        if title.startswith(prefix + " "):
            return prefix
    if region is not None:
        # "Wakil Wali Kota Banda Aceh" ends with "Kota Banda Aceh" too: prefer a cut that
        # leaves a known office name.
        cuts = [
            title[: -len(suffix) - 1]
            for suffix in (region.name, region.short_name)
            if title.endswith(" " + suffix)
        ]
        known = [cut for cut in cuts if cut in OFFICE_WORDS]
        if known or cuts:
            return (known or cuts)[0]
    return title


def actor_line(act: Act, region: Region | None) -> str:
    """``Wakil Bupati H.M. Taufik Mukri`` (+ `` sebagai Plt.`` when under a mandate)."""
    office = _office_word(act.actor_office_title, region)
    line = f"{office} {act.actor_name}".strip()
    capacity = Capacity(act.capacity)
    if capacity.line:
        line += f" sebagai {capacity.line}"
    return line


ACT_WORDS = {
    ActKind.SIGN: "ditandatangani",
    ActKind.PARAF: "paraf",
    ActKind.WITNESS: "disaksikan",
    ActKind.DECLINE: "ditolak",
    ActKind.SEAL: "disegel",
}


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
        return round(100 * self.done / self.total) if self.total else 0

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
        return round(100 * self.complete / self.total) if self.total else 0

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


def _acts_by_id(status: CommitmentStatus) -> dict[int, Act]:
    return {act.id: act for slot in status.slots.values() for act in slot.acts}


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
        actor = f"{actor_line(latest, region)}, {wib(latest.created_at)}"
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


def slot_history(slot: SlotStatus, region: Region | None) -> list[str]:
    """``["paraf Wakil Bupati H.M. Taufik Mukri (24 Okt 2019 10:00 WIB)", "ditandatangani ..."]``:
    the slot's acts, oldest first."""
    ordered = sorted(slot.acts, key=lambda act: (act.created_at, act.id or 0))
    return [
        f"{ACT_WORDS[ActKind(act.kind)]} {actor_line(act, region)} ({wib(act.created_at)})"
        for act in ordered
    ]


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
        acts = _acts_by_id(status)
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


# --- the lists to chase -----------------------------------------------------------------------


@dataclass
class ParafOnlyItem:
    commitment: Commitment
    region: Region
    role: SlotRole
    paraf: Act
    #: "Wakil Bupati H.M. Taufik Mukri"
    by: str
    #: "Wakil (tanpa mandat, paraf saja)", "Plt.", "Pemegang jabatan"
    capacity: str
    witnesses: list[str]
    owed_for: dt.timedelta
    #: The principal who still owes the signature: "Bupati Kotawaringin Timur (nama)".
    principal: str

    @property
    def owed_words(self) -> str:
        return duration_words(self.owed_for)

    @property
    def owed_hours(self) -> float:
        return round(self.owed_for.total_seconds() / 3600, 1)


CAPACITY_WORDS = {
    Capacity.HOLDER: "pemegang jabatan",
    Capacity.PLT: "Plt. (dengan mandat)",
    Capacity.PLH: "Plh. (dengan mandat)",
    Capacity.AN: "a.n. (dengan mandat)",
    Capacity.STAND_IN: "wakil tanpa mandat (hanya paraf)",
}


@dataclass
class PendingItem:
    commitment: Commitment
    region: Region
    role: SlotRole
    holder: str
    is_turn: bool
    waiting_since: dt.datetime | None


@dataclass
class DeclinedItem:
    commitment: Commitment
    region: Region
    role: SlotRole
    by: str
    at: dt.datetime
    reason: str


@dataclass
class FollowUp:
    paraf_only: list[ParafOnlyItem]
    pending: list[PendingItem]
    declined: list[DeclinedItem]


def _principal(commitment: Commitment, role: SlotRole) -> str:
    slot = next((s for s in commitment.slots if SlotRole(s.role) == role), None)
    if slot is None:
        return COLUMN_LABELS[role]
    holder = slot.office.current_holder
    return f"{slot.office.title} ({holder.name})" if holder else slot.office.title


def follow_up(
    overview: list[tuple[Commitment, CommitmentStatus]], *, now: dt.datetime | None = None
) -> FollowUp:
    """The three lists: paraf only (signature owed), nobody acted yet, declined."""
    now = now or utcnow()
    paraf_only: list[ParafOnlyItem] = []
    pending: list[PendingItem] = []
    declined: list[DeclinedItem] = []
    for commitment, status in overview:
        if status.state is CommitmentState.VOID:
            continue
        region = commitment.region
        acts = list(_acts_by_id(status).values())
        for role in MATRIX_SLOTS:
            slot = status.slots[role]
            if slot.state is SlotState.PARAF_ONLY and slot.paraf_act is not None:
                paraf = slot.paraf_act
                witnesses = [
                    f"{actor_line(act, region)} ({wib(act.created_at)})"
                    for act in sorted(acts, key=lambda a: a.id)
                    if act.kind == ActKind.WITNESS and act.attests_act_id == paraf.id
                ]
                paraf_only.append(
                    ParafOnlyItem(
                        commitment=commitment,
                        region=region,
                        role=role,
                        paraf=paraf,
                        by=actor_line(paraf, region),
                        capacity=CAPACITY_WORDS[Capacity(paraf.capacity)],
                        witnesses=witnesses,
                        owed_for=now - paraf.created_at,
                        principal=_principal(commitment, role),
                    )
                )
            elif slot.state is SlotState.PENDING and status.state is not CommitmentState.DECLINED:
                if commitment.generated_at is None and commitment.current_sha256 is None:
                    continue
                pending.append(
                    PendingItem(
                        commitment=commitment,
                        region=region,
                        role=role,
                        holder=_principal(commitment, role),
                        is_turn=role in status.whose_turn,
                        waiting_since=commitment.generated_at,
                    )
                )
            elif slot.state is SlotState.DECLINED and slot.decline_act is not None:
                act = slot.decline_act
                declined.append(
                    DeclinedItem(
                        commitment=commitment,
                        region=region,
                        role=role,
                        by=actor_line(act, region),
                        at=act.created_at,
                        reason=act.reason or "",
                    )
                )
    paraf_only.sort(key=lambda item: (-item.owed_for, item.region.kemendagri_code))
    return FollowUp(paraf_only, pending, declined)


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
