"""The append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from signing.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        # The passphrase throttle reads one user's recent unlock entries before every act.
        sa.Index("ix_audit_entries_object", "object_type", "object_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Dotted action name: "act.sign", "act.refused", "auth.login_failed", "mandate.create", ...
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(sa.String(200))
    actor_office: Mapped[str | None] = mapped_column(sa.String(200))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitments.id"), index=True)
    sha256_before: Mapped[str | None] = mapped_column(sa.String(64))
    sha256_after: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: Hash of the previous entry ("" for the first) and of this entry's content + prev_hash.
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class AuditCheckpoint(Base):
    """A signed statement "the log's entry ``seq`` had hash ``head_hash`` at ``created_at``".

    Signed with the issuing office's seal key, which lives in ``certs/`` (encrypted, outside the
    database): whoever can change the database cannot forge one, so a checkpoint pins every
    entry up to ``seq`` against deletion and rewriting. Written in the transaction whose entries
    it covers (with every act, and at least once a minute while entries are written).
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column()
    #: Id of the newest entry covered and its ``entry_hash``.
    seq: Mapped[int] = mapped_column(index=True)
    head_hash: Mapped[str] = mapped_column(sa.String(64))
    #: Signature over :func:`signing.audit.checkpoint_payload` and the SHA-256 fingerprint of
    #: the certificate whose key made it.
    signature: Mapped[bytes] = mapped_column(sa.LargeBinary)
    signer: Mapped[str] = mapped_column(sa.String(64))
