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

The chain alone proves nothing against someone who can write the table: they can delete the
newest entries, or edit one and recompute every later hash. So the chain is anchored outside
the table with a key the database does not hold: a transaction that wrote an act's entry, or
any entry when the last checkpoint of this process is older than ``AUDIT_CHECKPOINT_SECONDS``,
also writes an :class:`AuditCheckpoint` (head id, head hash, time) signed with the office seal
(one INSERT, under the chain lock it already holds), and after the commit appends the same
checkpoint to ``instance/audit-checkpoints.jsonl``. Every act's PDF signature also carries the
chain head read just before signing (see :func:`chain_head`). :func:`verify_checkpoints` checks
them all; only entries after the newest checkpoint can still be cut or rewritten unseen.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import math
import re
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from signing.db import utcnow
from signing.files import private_file
from signing.models.audit import AuditCheckpoint, AuditEntry

log = logging.getLogger(__name__)

#: Arbitrary constant identifying the audit chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 0x5A1A_0001
#: session.info keys: the chain's last hash as seen under the lock, and deferred entries.
_LAST_HASH = "signing.audit.last_hash"
_DEFERRED = "signing.audit.deferred"
#: session.info keys: the newest entry id written, whether an act was, the checkpoint to log.
_LAST_ID = "signing.audit.last_id"
_ACT_WRITTEN = "signing.audit.act_written"
_PENDING_CHECKPOINT = "signing.audit.pending_checkpoint"

#: The append-only copy of the checkpoints, in the instance folder (0600).
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
#: Clock of the "at least every AUDIT_CHECKPOINT_SECONDS" rule (tests put their own here).
clock: Callable[[], float] = time.monotonic

# Built once (every act appends): the chain's lock and its newest hash.
_CHAIN_LOCK = sa.select(sa.func.pg_advisory_xact_lock(_CHAIN_LOCK_KEY))
_HEAD = sa.select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)

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


def record_about(db_session: Session, action: str, subject: Any, **fields: Any) -> AuditEntry:
    """:func:`record` an event of one stored ``subject`` (a user, a mandate, an event, ...).

    Its ``object_type`` is the model's class name in snake case (``SigningCertificate`` is
    ``signing_certificate``), the names the trail has always used; ``fields`` as :func:`record`.
    """
    object_type = re.sub(r"(?<!^)(?=[A-Z])", "_", type(subject).__name__).lower()
    return record(db_session, action, object_type=object_type, object_id=subject.id, **fields)


def record_on_commitment(
    db_session: Session, action: str, commitment: Any, **fields: Any
) -> AuditEntry:
    """:func:`record_about` ``commitment`` itself, filed under it too."""
    return record_about(db_session, action, commitment, commitment_id=commitment.id, **fields)


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
        head = db_session.execute(_HEAD).first()
        prev_hash = head[1] if head is not None else ""
    for entry in entries:
        entry.prev_hash = prev_hash
        entry.entry_hash = entry_digest(entry, prev_hash)
        db_session.add(entry)
        prev_hash = entry.entry_hash
    db_session.flush()
    # Valid until this transaction ends: we hold the chain lock (PostgreSQL) or the database's
    # write lock (SQLite) from here to commit, so nobody else can append meanwhile.
    db_session.info[_LAST_HASH] = prev_hash
    db_session.info[_LAST_ID] = entries[-1].id
    if any(entry.action.startswith("act.") for entry in entries):
        db_session.info[_ACT_WRITTEN] = True


@event.listens_for(Session, "before_commit")
def _write_deferred(db_session: Session) -> None:
    if db_session.in_nested_transaction():
        # A savepoint being released: the entries wait for the next entry or the real commit,
        # so that they go into the same INSERT as the act's own entry.
        return
    entries = _take_deferred(db_session)
    if entries:
        _append(db_session, entries)
    _checkpoint_if_due(db_session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(db_session: Session, previous_transaction: SessionTransaction) -> None:
    # The cached last hash may belong to an entry that was just rolled back (a savepoint).
    for key in (_LAST_HASH, _LAST_ID, _ACT_WRITTEN, _PENDING_CHECKPOINT):
        db_session.info.pop(key, None)
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
        for key in (_LAST_HASH, _DEFERRED, _LAST_ID, _ACT_WRITTEN, _PENDING_CHECKPOINT):
            db_session.info.pop(key, None)


# --------------------------------------------------------------------------- checkpoints


@dataclass
class _Anchor:
    """What one app's engine needs to checkpoint: the app (for the seal) and the file."""

    app: Flask
    file: Path
    interval: float
    #: ``clock()`` of this process's last committed checkpoint.
    last: float = -math.inf


_ANCHORS: weakref.WeakKeyDictionary[Engine, _Anchor] = weakref.WeakKeyDictionary()


def init_app(app: Flask) -> None:
    """Anchor the chain of ``app``'s database: checkpoints signed with its seal."""
    _ANCHORS[app.extensions["signing.engine"]] = _Anchor(
        app=app,
        file=Path(app.instance_path) / CHECKPOINT_FILE,
        interval=float(app.config["AUDIT_CHECKPOINT_SECONDS"]),
    )


def checkpoint_payload(seq: int, head_hash: str, created_at: dt.datetime) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return (
        f"signing-audit-checkpoint/v1\n{seq}\n{head_hash}\n{_canonical_time(created_at)}".encode()
    )


def _anchor_of(db_session: Session) -> _Anchor | None:
    bind = db_session.get_bind()
    return _ANCHORS.get(bind if isinstance(bind, Engine) else bind.engine)


def _checkpoint_if_due(db_session: Session) -> None:
    seq = db_session.info.get(_LAST_ID)
    if seq is None:
        return  # this transaction wrote no entry
    anchor = _anchor_of(db_session)
    if anchor is None:
        return
    if not db_session.info.get(_ACT_WRITTEN) and clock() - anchor.last < anchor.interval:
        return
    # signing.pki imports this module (a cycle), and pyHanko is slow to load: imported when used.
    from signing.pki import checkpoints
    from signing.pki.errors import PkiError
    from signing.pki.service import CaMissing

    created_at = utcnow()
    head_hash = db_session.info[_LAST_HASH]
    try:
        signature, signer = checkpoints.sign(
            checkpoint_payload(seq, head_hash, created_at), anchor.app
        )
    except PkiError as error:
        # No CA yet (before ``signing ca init``) or it cannot be opened: the entries are
        # still written, unanchored; ``signing audit verify`` says how many. Only a CA that
        # exists and cannot be opened is worth the operator's attention.
        log.log(
            logging.INFO if isinstance(error, CaMissing) else logging.WARNING,
            "audit checkpoint not signed: %s",
            error,
        )
        return
    db_session.add(
        AuditCheckpoint(
            created_at=created_at,
            seq=seq,
            head_hash=head_hash,
            signature=signature,
            signer=signer,
        )
    )
    db_session.info[_PENDING_CHECKPOINT] = (
        anchor,
        {
            "seq": seq,
            "head_hash": head_hash,
            "created_at": _canonical_time(created_at),
            "signature": base64.b64encode(signature).decode(),
            "signer": signer,
        },
    )


@event.listens_for(Session, "after_commit")
def _log_checkpoint(db_session: Session) -> None:
    pending = db_session.info.pop(_PENDING_CHECKPOINT, None)
    if pending is None:
        return
    anchor, line = pending
    anchor.last = clock()
    try:
        # Appended after the commit: a line never names a checkpoint that was rolled back.
        with private_file(anchor.file).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, sort_keys=True) + "\n")
    except OSError as error:
        log.error("audit checkpoint not appended to %s: %s", anchor.file, error)


def chain_head(db_session: Session, *, write_locked: bool = False) -> tuple[int, str] | None:
    """(id, hash) of the newest entry: what an act's signature pins. ``None`` if empty.

    ``write_locked``: the transaction holds the database's write lock (an act on SQLite,
    ``BEGIN IMMEDIATE``), so nobody can append before it commits and the head read here is the
    one its own entries chain onto: it is kept, and the act's first entry reads no hash again.
    (On PostgreSQL acts on other commitments append meanwhile; the chain lock is taken later.)
    """
    row = db_session.execute(_HEAD).first()
    if write_locked and db_session.get_bind().dialect.name == "sqlite":
        db_session.info.setdefault(_LAST_HASH, row[1] if row is not None else "")
    return None if row is None else (row[0], row[1])


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


@dataclass(frozen=True)
class AnchorReport:
    """What :func:`verify_checkpoints` found."""

    problems: list[ChainProblem]
    #: Valid checkpoints seen (table and file together), the newest one's entry id.
    checkpoints: int
    last_seq: int | None
    #: Entries after the newest checkpoint: the only ones that can vanish or change unseen.
    unanchored: int


def _file_checkpoints(path: Path) -> tuple[list[dict[str, Any]], list[ChainProblem]]:
    if not path.exists():
        return [], []
    lines, problems = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            line["signature"] = base64.b64decode(line["signature"])
            line["seq"] = int(line["seq"])
            lines.append(line)
        except (ValueError, KeyError, TypeError):
            problems.append(ChainProblem(0, f"{path.name} baris {number} tidak terbaca"))
    return lines, problems


def verify_checkpoints(
    db_session: Session, app: Flask, pins: Iterable[tuple[int, str, str]] = ()
) -> AnchorReport:
    """Check the chain against its signed checkpoints (table and file) and ``pins``.

    ``pins``: (entry id, entry hash, where it was read), e.g. the heads carried by a signed
    PDF. Names truncation (the checkpoint's entry and all after it are gone), deletion (that
    entry is gone) and rewriting (its hash differs), and checkpoints that are forged or were
    deleted from the table.
    """
    from signing.pki import checkpoints
    from signing.pki.errors import PkiError

    problems: list[ChainProblem] = []
    stored = [
        {
            "seq": row.seq,
            "head_hash": row.head_hash,
            "created_at": _canonical_time(row.created_at),
            "signature": row.signature,
            "signer": row.signer,
        }
        for row in db_session.execute(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.id))
        .scalars()
        .all()
    ]
    anchor = _anchor_of(db_session)
    in_file, file_problems = _file_checkpoints(
        anchor.file if anchor else Path(app.instance_path) / CHECKPOINT_FILE
    )
    problems += file_problems

    def key(line: dict[str, Any]) -> tuple[Any, ...]:
        return (line["seq"], line["head_hash"], line["created_at"], line["signature"])

    stored_keys = {key(line) for line in stored}
    heads: dict[tuple[int, str], str] = {}
    for source, lines in (("basis data", stored), (CHECKPOINT_FILE, in_file)):
        for line in lines:
            created_at = dt.datetime.strptime(line["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
            payload = checkpoint_payload(
                line["seq"], line["head_hash"], created_at.replace(tzinfo=dt.UTC)
            )
            try:
                sealed = checkpoints.verify(payload, line["signature"], line["signer"], app)
            except PkiError as error:
                # No CA to check against (certs/ missing or not opening): say so, once.
                return AnchorReport(
                    [
                        *problems,
                        ChainProblem(line["seq"], f"checkpoint tidak dapat diperiksa: {error}"),
                    ],
                    0,
                    None,
                    0,
                )
            if not sealed:
                problems.append(
                    ChainProblem(
                        line["seq"],
                        f"checkpoint di {source} tidak bertanda tangan segel yang sah "
                        "(dipalsukan atau diubah)",
                    )
                )
                continue
            if source != "basis data" and key(line) not in stored_keys:
                problems.append(ChainProblem(line["seq"], "checkpoint ini dihapus dari basis data"))
            heads.setdefault((line["seq"], line["head_hash"]), "checkpoint")
    for seq, head_hash, where in pins:
        heads.setdefault((seq, head_hash), where)

    last_id = db_session.execute(sa.select(sa.func.max(AuditEntry.id))).scalar() or 0
    wanted = sorted({seq for seq, _hash in heads})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            db_session.execute(
                sa.select(AuditEntry.id, AuditEntry.entry_hash).where(AuditEntry.id.in_(chunk))
            ).all()
        )
    for (seq, head_hash), where in sorted(heads.items()):
        if seq > last_id:
            problems.append(
                ChainProblem(
                    seq,
                    f"jejak audit dipotong: {where} mencakup sampai entri #{seq}, "
                    f"entri terakhir kini #{last_id}",
                )
            )
        elif seq not in found:
            problems.append(ChainProblem(seq, f"entri yang dicakup {where} telah dihapus"))
        elif found[seq] != head_hash:
            problems.append(
                ChainProblem(
                    seq,
                    f"jejak audit sampai entri ini ditulis ulang (hash tidak cocok dengan {where})",
                )
            )
    anchored = [seq for (seq, _h), where in heads.items() if where == "checkpoint"]
    last_seq = max(anchored) if anchored else None
    unanchored = db_session.execute(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.id > (last_seq or 0))
    ).scalar_one()
    return AnchorReport(problems, len(anchored), last_seq, unanchored)
