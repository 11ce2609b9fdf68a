"""Append-only, hash-chained audit log.

Every entry carries the hash of the previous one, so an edited, deleted or reordered entry
breaks the chain at a place :func:`verify_chain` names. Appending is serialised (a transaction-
scoped advisory lock on PostgreSQL; SQLite writers are serialised by the database itself), or two
concurrent writers would both chain onto the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from signing.db import utcnow
from signing.models.audit import AuditEntry

#: Arbitrary constant identifying the audit chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 0x5A1A_0001

_HASHED_FIELDS = (
    "created_at",
    "action",
    "actor_user_id",
    "actor_name",
    "actor_office",
    "ip",
    "user_agent",
    "object_type",
    "object_id",
    "commitment_id",
    "sha256_before",
    "sha256_after",
    "details",
)


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    content = {name: getattr(entry, name) for name in _HASHED_FIELDS}
    content["created_at"] = _canonical_time(entry.created_at)
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode()).hexdigest()


def _canonical_time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    db_session: Session,
    action: str,
    *,
    actor: Any = None,
    actor_office: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    commitment_id: int | None = None,
    sha256_before: str | None = None,
    sha256_after: str | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditEntry:
    """Append an entry (flushed, not committed: it lands with the caller's transaction)."""
    if has_request_context():
        ip = ip or request.remote_addr
        user_agent = user_agent or (request.user_agent.string or None)
    if db_session.get_bind().dialect.name == "postgresql":
        db_session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY)))
    last = db_session.execute(
        sa.select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or ""
    actor_is_user = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        # Microsecond precision survives both SQLite and PostgreSQL round trips.
        created_at=utcnow(),
        action=action,
        actor_user_id=actor.id if actor_is_user else None,
        actor_name=(
            actor.display_name if actor_is_user else actor if isinstance(actor, str) else None
        ),
        actor_office=actor_office,
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        commitment_id=commitment_id,
        sha256_before=sha256_before,
        sha256_after=sha256_after,
        details=details or {},
        prev_hash=prev_hash,
    )
    entry.entry_hash = entry_digest(entry, prev_hash)
    db_session.add(entry)
    db_session.flush()
    return entry


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify_chain(db_session: Session, batch: int = 2000) -> list[ChainProblem]:
    """Walk the log in id order and report every entry whose hash or link does not hold."""
    problems: list[ChainProblem] = []
    prev_hash = ""
    # Ids are not checked for gaps: a PostgreSQL sequence skips values on rollback. A deleted
    # entry shows as a broken link at its successor instead.
    for entry in _iter_entries(db_session, batch):
        if entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(entry.id, "tautan ke entri sebelumnya tidak cocok (dihapus/ditukar)")
            )
        if entry_digest(entry, entry.prev_hash) != entry.entry_hash:
            problems.append(ChainProblem(entry.id, "isi entri telah diubah"))
        prev_hash = entry.entry_hash
    return problems


def _iter_entries(db_session: Session, batch: int) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = (
            db_session.execute(
                sa.select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
