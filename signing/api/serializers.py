"""The values of the API's answers, gathered from the models (one query per list).

Each endpoint dumps what these return through its schema (:mod:`signing.api.schemas`), which
also documents it: an answer holds only the fields the OpenAPI document names.

What is never serialised: IP addresses, user agents, account ids and usernames, audit entries,
mandate letters. An act shows the name and office as written at the time, its kind and the
capacity it was made in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from signing.models import Act, ActKind, Commitment, Event, Revision, SlotRole
from signing.models.commitments import SLOT_LABELS
from signing.workflow.status import CommitmentState, CommitmentStatus, commitment_status

#: Slots in the order of the signature table.
SLOT_ORDER = (
    SlotRole.KEPALA_DAERAH,
    SlotRole.KETUA_DPRD,
    SlotRole.GUBERNUR,
    SlotRole.SAKSI_WAKIL_GUBERNUR,
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI,
)
API_PREFIX = "/api/v1"


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def act_json(act: Act) -> dict[str, Any]:
    return {
        "id": act.id,
        "kind": ActKind(act.kind).value,
        "capacity": act.capacity.value if act.capacity is not None else "holder",
        "actor": {"name": act.actor_name, "office": act.actor_office_title},
        "time": iso(act.created_at),
        "attests_act_id": act.attests_act_id,
        "reason": act.reason,
        "revision_sha256": act.sha256_after if act.kind != ActKind.DECLINE else None,
    }


def _slot_json(commitment: Commitment, status: CommitmentStatus, role: SlotRole) -> dict[str, Any]:
    slot = next((s for s in commitment.slots if s.role == role), None)
    state = status.slots[role]
    office = slot.office if slot is not None else None
    holder = office.current_holder if office is not None else None
    acts = [a for a in slot.acts if a.kind != ActKind.SEAL] if slot is not None else []
    return {
        "role": role.value,
        "label": SLOT_LABELS[role],
        "office": office.title if office is not None else None,
        "holder": holder.name if holder is not None else None,
        "status": state.state.value,
        "status_label": state.state.label,
        "since": iso(state.since),
        "acts": [act_json(a) for a in acts],
    }


def commitment_json(
    commitment: Commitment,
    status: CommitmentStatus | None = None,
    *,
    replaced_by: int | None = None,
    with_revisions: bool = False,
) -> dict[str, Any]:
    status = status or commitment_status(commitment)
    base = f"{API_PREFIX}/commitments/{commitment.id}"
    region = commitment.region
    event = commitment.event
    body: dict[str, Any] = {
        "id": commitment.id,
        "code": commitment.code,
        "number": commitment.number,
        "version": commitment.version,
        "event": {"id": event.id, "name": event.name, "date": event.date.isoformat()},
        "region": {
            "kemendagri_code": region.kemendagri_code,
            "bps_code": region.bps_code,
            "name": region.name,
            "kind": region.kind,
        },
        "status": status.state.value,
        "status_label": status.state.label,
        "is_complete": status.is_complete,
        "whose_turn": [r.value for r in status.whose_turn],
        "owed_signatures": [r.value for r in status.owed_signatures],
        "generated_at": iso(commitment.generated_at),
        "completed_at": iso(commitment.completed_at),
        "voided_at": iso(commitment.voided_at),
        "void_reason": commitment.void_reason,
        "replaces_id": commitment.replaces_id,
        "replaced_by_id": replaced_by,
        "current_sha256": commitment.current_sha256,
        "links": {
            "self": base,
            "pdf": f"{base}/pdf" if commitment.current_sha256 else None,
            "verification_page": current_app.config["BASE_URL"].rstrip("/")
            + f"/v/{commitment.code}",
        },
        "slots": {role.value: _slot_json(commitment, status, role) for role in SLOT_ORDER},
    }
    if with_revisions:
        body["revisions"] = [revision_json(commitment, r) for r in commitment.revisions]
    return body


def revision_json(commitment: Commitment, revision: Revision) -> dict[str, Any]:
    return {
        "sequence": revision.sequence,
        "sha256": revision.sha256,
        "parent_sha256": revision.parent_sha256,
        "label": revision.label,
        "act_id": revision.act_id,
        "created_at": iso(revision.created_at),
        "href": f"{API_PREFIX}/commitments/{commitment.id}/revisions/{revision.sha256}",
    }


def replacements(db_session: Session, commitments: Sequence[Commitment]) -> dict[int, int]:
    """Replaced commitment id -> the id of the version that replaces it (one query)."""
    ids = [c.id for c in commitments if c.voided_at is not None]
    if not ids:
        return {}
    rows = db_session.execute(
        sa.select(Commitment.replaces_id, Commitment.id).where(Commitment.replaces_id.in_(ids))
    ).all()
    return {old: new for old, new in rows}


def commitments_json(
    db_session: Session, pairs: Iterable[tuple[Commitment, CommitmentStatus]]
) -> list[dict[str, Any]]:
    pairs = list(pairs)
    replaced = replacements(db_session, [c for c, _ in pairs])
    return [commitment_json(c, s, replaced_by=replaced.get(c.id)) for c, s in pairs]


def event_json(event: Event, states: Iterable[CommitmentState]) -> dict[str, Any]:
    counts = Counter(state.value for state in states)
    return {
        "id": event.id,
        "name": event.name,
        "date": event.date.isoformat(),
        "place": event.place,
        "province": {"code": event.province.code, "name": event.province.name},
        "is_demo": event.is_demo,
        "commitments": {
            "total": sum(counts.values()),
            "by_status": {state.value: counts.get(state.value, 0) for state in CommitmentState},
        },
        "links": {"commitments": f"{API_PREFIX}/events/{event.id}/commitments"},
    }
