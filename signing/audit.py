"""Append-only, hash-chained audit log.

Every entry carries the hash of the previous one, so an edited, deleted or reordered entry
breaks the chain at a place :func:`verify_chain` names. Appending is serialised (a transaction-
scoped advisory lock on PostgreSQL; SQLite writers are serialised by the database itself), or two
concurrent writers would both chain onto the same predecessor.

That lock is held from a transaction's first entry to its commit, so it matters *when* the first
entry is written: an entry recorded with ``defer=True`` is kept in the session and written just
before the next entry or at commit. The key store's "unlocked" entry is deferred that way, so an
act holds the chain lock for its database writes only, not while the PDF is being signed (which
would serialise signing across all commitments). Within one transaction the lock is taken and the
last hash read once; both are forgotten when the transaction or a savepoint ends.
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
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from signing.db import utcnow
from signing.models.audit import AuditEntry

#: Arbitrary constant identifying the audit chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 0x5A1A_0001
#: session.info keys: the chain's last hash as seen under the lock, and deferred entries.
_LAST_HASH = "signing.audit.last_hash"
_DEFERRED = "signing.audit.deferred"

# Built once (every act appends): the chain's lock and its newest hash.
_CHAIN_LOCK = sa.select(sa.func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY))
_LAST_ENTRY_HASH = sa.select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)

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
    defer: bool = False,
) -> AuditEntry:
    """Append an entry (flushed, not committed: it lands with the caller's transaction).

    With ``defer=True`` the entry is only prepared: it is written before the next entry of the
    transaction, or at commit, and dropped if the transaction (or the savepoint it was recorded
    in) rolls back.
    """
    if has_request_context():
        ip = ip or request.remote_addr
        user_agent = user_agent or (request.user_agent.string or None)
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
    )
    if defer:
        if not db_session.in_transaction():
            db_session.connection()  # begin, so that commit or rollback settles the entry
        db_session.info.setdefault(_DEFERRED, []).append((_current_transaction(db_session), entry))
        return entry
    _append(db_session, [*_take_deferred(db_session), entry])
    return entry


def carry_over_deferred(db_session: Session) -> list[AuditEntry]:
    """Take the deferred entries out of the session before a full rollback.

    Hand them to :func:`restore_deferred` once the next transaction has begun: an act that is
    abandoned after its key was unlocked still owes the "unlocked" entry.
    """
    return _take_deferred(db_session)


def restore_deferred(db_session: Session, entries: list[AuditEntry]) -> None:
    """Defer ``entries`` (from :func:`carry_over_deferred`) in the current transaction."""
    if not entries:
        return
    if not db_session.in_transaction():
        db_session.connection()
    transaction = _current_transaction(db_session)
    db_session.info.setdefault(_DEFERRED, []).extend((transaction, e) for e in entries)


def _current_transaction(db_session: Session) -> SessionTransaction | None:
    return db_session.get_nested_transaction() or db_session.get_transaction()


def _take_deferred(db_session: Session) -> list[AuditEntry]:
    return [entry for _tx, entry in db_session.info.pop(_DEFERRED, [])]


def _append(db_session: Session, entries: list[AuditEntry]) -> None:
    prev_hash = db_session.info.get(_LAST_HASH)
    if prev_hash is None:
        if db_session.get_bind().dialect.name == "postgresql":
            db_session.execute(_CHAIN_LOCK)
        last = db_session.execute(_LAST_ENTRY_HASH).scalar_one_or_none()
        prev_hash = last or ""
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.entry_hash = entry_digest(entry, prev_hash)
        db_session.add(entry)
        prev_hash = entry.entry_hash
    db_session.flush()
    # Valid until this transaction ends: we hold the chain lock (PostgreSQL) or the database's
    # write lock (SQLite) from here to commit, so nobody else can append meanwhile.
    db_session.info[_LAST_HASH] = prev_hash


@event.listens_for(Session, "before_commit")
def _write_deferred(db_session: Session) -> None:
    if db_session.in_nested_transaction():
        # A savepoint being released: the entries wait for the next entry or the real commit,
        # so that they go into the same INSERT as the act's own entry.
        return
    entries = _take_deferred(db_session)
    if entries:
        _append(db_session, entries)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(db_session: Session, previous_transaction: SessionTransaction) -> None:
    # The cached last hash may belong to an entry that was just rolled back (a savepoint).
    db_session.info.pop(_LAST_HASH, None)
    kept = [
        (tx, entry)
        for tx, entry in db_session.info.get(_DEFERRED, [])
        if tx is not None and not _within(tx, previous_transaction)
    ]
    if kept:
        db_session.info[_DEFERRED] = kept
    else:
        db_session.info.pop(_DEFERRED, None)


def _within(tx: SessionTransaction, ancestor: SessionTransaction) -> bool:
    while tx is not None:
        if tx is ancestor:
            return True
        tx = tx.parent
    return False


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(db_session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        db_session.info.pop(_LAST_HASH, None)
        db_session.info.pop(_DEFERRED, None)


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
