"""The mail outbox: one row per e-mail, written in the act's own transaction, sent by a worker.

See :mod:`signing.notifications` (writing) and :mod:`signing.notifications.delivery` (sending).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signing.db import Base, utcnow
from signing.models.labels import LabelledEnum

if TYPE_CHECKING:
    from signing.models.users import Notification


class MailStatus(LabelledEnum):
    PENDING = "pending", "Menunggu"
    SENT = "sent", "Terkirim"
    FAILED = "failed", "Gagal"


class OutboxMail(Base):
    """An e-mail waiting to be sent, sent, or given up on.

    Subject and body are rendered in the recipient's language when the row is written, so the
    worker needs neither the act's objects nor a request; the Message-ID is fixed then too, so
    that a mail sent twice (a worker that died between the SMTP send and its commit) carries the
    same Message-ID and mail clients can drop the copy.
    """

    __tablename__ = "mail_outbox"
    # The worker's query: pending rows whose time has come, oldest first.
    __table_args__ = (sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notifications.id"))
    recipient: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(250))
    status: Mapped[MailStatus] = mapped_column(
        sa.Enum(MailStatus, native_enum=False, length=10), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    notification: Mapped[Notification | None] = relationship()
