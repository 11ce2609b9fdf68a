"""Notifications: an in-app inbox entry, and an e-mail sent only once the transaction commits.

:func:`notify` adds a :class:`~signing.models.Notification` to the session and queues the mail
in ``session.info``; a listener on the session sends the queue after a successful commit and
drops it on rollback, so a rolled-back act never mails anybody. With ``MAIL_HOST`` configured
the mail goes out through SMTP (``MAIL_PORT``, ``MAIL_FROM``, optional ``MAIL_USERNAME`` /
``MAIL_PASSWORD``, ``MAIL_STARTTLS``); without it the message is written to the log. Users with
no e-mail address get the inbox entry only. A failing SMTP server never undoes the commit: the
error is logged and ``emailed_at`` stays empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from signing.db import IMMEDIATE, utcnow
from signing.models import Commitment, Notification, User

__all__ = ["MailSettings", "Outgoing", "notify", "pending_mail", "send_mail"]

log = logging.getLogger(__name__)

_OUTBOX = "signing.notifications.outbox"


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int = 25
    sender: str = "noreply@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Any) -> MailSettings:
        return cls(
            host=config.get("MAIL_HOST") or None,
            port=int(config.get("MAIL_PORT") or 25),
            sender=config.get("MAIL_FROM") or "noreply@localhost",
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            starttls=bool(config.get("MAIL_STARTTLS")),
            timeout=float(config.get("MAIL_TIMEOUT") or 10.0),
        )


@dataclass
class Outgoing:
    """A mail waiting for its transaction to commit."""

    notification: Notification
    to: str | None
    subject: str
    body: str
    settings: MailSettings


def _absolute(url: str | None) -> str | None:
    if not url or "://" in url or not has_app_context():
        return url
    return current_app.config.get("BASE_URL", "").rstrip("/") + "/" + url.lstrip("/")


def notify(
    db_session: Session,
    user: User,
    subject: str,
    body: str,
    url: str | None = None,
    commitment: Commitment | None = None,
) -> Notification:
    """Put a message in ``user``'s inbox and queue its e-mail for after the commit."""
    link = _absolute(url)
    notification = Notification(
        user_id=user.id,
        commitment_id=commitment.id if commitment is not None else None,
        subject=subject[:300],
        body=body,
        url=link,
        created_at=utcnow(),
    )
    db_session.add(notification)
    settings = (
        MailSettings.from_config(current_app.config) if has_app_context() else MailSettings(None)
    )
    text = body + (f"\n\n{link}" if link else "")
    _outbox(db_session).append(Outgoing(notification, user.email or None, subject, text, settings))
    return notification


def pending_mail(db_session: Session) -> list[Outgoing]:
    """Mail queued in this session's open transaction (not sent yet)."""
    return list(db_session.info.get(_OUTBOX, []))


def _outbox(db_session: Session) -> list[Outgoing]:
    return db_session.info.setdefault(_OUTBOX, [])


# Listening on the Session class, not on each session: a per-session listener registered with
# ``event.contains`` was once skipped for a new session that happened to get the address of a
# collected one, and that session's mail silently never left.
@event.listens_for(Session, "after_rollback")
def _after_rollback(db_session: Session) -> None:
    db_session.info.pop(_OUTBOX, None)


@event.listens_for(Session, "after_commit")
def _after_commit(db_session: Session) -> None:
    outbox: list[Outgoing] = db_session.info.pop(_OUTBOX, [])
    if not outbox:
        return
    sent: list[int] = []
    for item in outbox:
        if item.to is None:
            log.info("Notifikasi tanpa alamat e-mail (hanya kotak masuk): %s", item.subject)
            continue
        if item.settings.host is None:
            log.info(
                "E-mail (MAIL_HOST tidak diatur, tidak dikirim) kepada %s\nSubjek: %s\n\n%s",
                item.to,
                item.subject,
                item.body,
            )
            continue
        try:
            send_mail(item.settings, item.to, item.subject, item.body)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("E-mail ke %s gagal dikirim: %s", item.to, error)
            continue
        if item.notification.id is not None:
            sent.append(item.notification.id)
    if sent:
        _mark_emailed(db_session, sent)


def _mark_emailed(db_session: Session, ids: list[int]) -> None:
    # The session cannot run SQL inside after_commit: a short transaction of its own records
    # the time. IMMEDIATE makes it queue politely behind other SQLite writers.
    try:
        engine = db_session.get_bind()
        with engine.connect().execution_options(**{IMMEDIATE: True}) as connection:
            with connection.begin():
                connection.execute(
                    sa.update(Notification)
                    .where(Notification.id.in_(ids))
                    .values(emailed_at=dt.datetime.now(dt.UTC))
                )
    except sa.exc.SQLAlchemyError as error:  # the mail went out; only the mark is lost
        log.warning("Waktu kirim e-mail tidak tercatat: %s", error)


def send_mail(settings: MailSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text mail through the configured SMTP server."""
    # The SMTP policy folds long Indonesian subjects correctly (compat32 breaks before the text).
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
