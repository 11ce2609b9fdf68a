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
