"""The outbox worker: send pending mail through SMTP, with retries and exponential back-off.

One mail at a time, each in a transaction of its own:

- **PostgreSQL**: ``SELECT ... FOR UPDATE SKIP LOCKED`` claims the oldest due row, the mail is
  sent, and the row is marked sent in that same transaction. Several workers can run at once:
  each skips the rows the others hold.
- **SQLite** has no row locks and one writer for the whole database, so holding a transaction
  across the SMTP conversation would stall every act for up to ``MAIL_TIMEOUT``. The row is read,
  the read transaction ends, the mail is sent, and a short ``BEGIN IMMEDIATE`` transaction marks
  it (after checking that nobody else did meanwhile). Run a single worker on SQLite.

Delivery is exactly-once as far as SMTP allows, which is at-least-once: if the worker dies or
the database fails after the server accepted a mail and before the commit, the row is still
pending and the mail is sent again. The copy carries the same Message-ID.

A failed attempt is tried again ``MAIL_RETRY_SECONDS`` later, doubling each time up to
``MAIL_RETRY_MAX_SECONDS``; after ``MAIL_MAX_ATTEMPTS`` attempts, or at once when the server
refuses the recipient or the message for good (5xx), the row is marked failed and an audit entry
``mail.failed`` is written. ``signing notifications retry`` queues failed mail again.
"""

from __future__ import annotations

import datetime as dt
import email.errors
import enum
import logging
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from signing import audit, db
from signing.db import begin_write, utcnow
from signing.models import MailStatus, Notification, OutboxMail
from signing.notifications import MailSettings, build_message, open_smtp

__all__ = [
    "DeliveryReport",
    "Mailer",
    "Outcome",
    "RetryPolicy",
    "deliver",
    "follow",
    "requeue",
    "start_in_background",
]

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: float = 60.0
    max_delay: float = 3600.0

    def __post_init__(self) -> None:
        # A zero delay would make a failed row due again within the same pass.
        if self.max_attempts < 1 or self.first_delay < 1 or self.max_delay < self.first_delay:
            raise ValueError("invalid mail retry settings")

    @classmethod
    def from_config(cls, config: Any) -> RetryPolicy:
        return cls(
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS") or 8),
            first_delay=float(config.get("MAIL_RETRY_SECONDS") or 60),
            max_delay=float(config.get("MAIL_RETRY_MAX_SECONDS") or 3600),
        )

    def delay(self, attempts: int) -> dt.timedelta:
        """How long to wait after the ``attempts``-th failed attempt."""
        seconds = self.first_delay * 2 ** min(attempts - 1, 30)
        return dt.timedelta(seconds=min(seconds, self.max_delay))


class Outcome(enum.StrEnum):
    SENT = "sent"
    LOGGED = "logged"  # no MAIL_HOST: written to the log, counted as delivered
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"  # another worker handled the row meanwhile (SQLite only)


@dataclass
class DeliveryReport:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    #: The SMTP server could not be reached; the pass stopped early.
    unreachable: bool = False

    @property
    def handled(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, outcome: Outcome) -> int:
        return self.counts[outcome]


class Unreachable(Exception):
    """The SMTP server could not be connected to (or refused the login)."""


class Malformed(Exception):
    """The row cannot be made into a mail (an address the e-mail package rejects)."""


class Mailer:
    """One SMTP connection reused for a whole pass, opened on the first mail and dropped after
    any error (the conversation's state is unknown then)."""

    def __init__(
        self,
        settings: MailSettings,
        connect: Callable[[MailSettings], smtplib.SMTP] = open_smtp,
    ) -> None:
        self.settings = settings
        self._connect = connect
        self._smtp: smtplib.SMTP | None = None

    def send(self, mail: OutboxMail) -> None:
        try:
            message = build_message(self.settings.sender, mail)
        except (ValueError, TypeError, email.errors.MessageError) as error:
            raise Malformed(_describe(error)) from error
        if self._smtp is None:
            try:
                self._smtp = self._connect(self.settings)
            except (OSError, smtplib.SMTPException) as error:
                raise Unreachable(_describe(error)) from error
        try:
            self._smtp.send_message(message, to_addrs=[mail.recipient])
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{to}: {code} {reply.decode(errors='replace')}"
            for to, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _permanent(error: BaseException) -> bool:
    """The server refused this mail for good: retrying will not help.

    Only refusals of the recipient or of the message; a 5xx on login or on the sender is a
    configuration mistake that hits every mail and is worth retrying once it is fixed.
    """
    if isinstance(error, Malformed):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _due(moment: dt.datetime) -> sa.Select[tuple[OutboxMail]]:
    return (
        sa.select(OutboxMail)
        .where(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= moment)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(1)
        # Compiles to nothing on SQLite (see the module docstring).
        .with_for_update(skip_locked=True)
    )


def deliver(
    engine: Engine,
    settings: MailSettings,
    policy: RetryPolicy,
    *,
    clock: Clock = utcnow,
    limit: int | None = None,
    connect: Callable[[MailSettings], smtplib.SMTP] = open_smtp,
) -> DeliveryReport:
    """One pass: send every mail due now (at most ``limit``), then return what happened."""
    report = DeliveryReport()
    # Rows due when the pass starts: a row that fails is due again only after its back-off,
    # which is later than this, so a pass never tries the same mail twice.
    started = clock()
    mailer = Mailer(settings, connect)
    try:
        with Session(engine, expire_on_commit=False) as db_session:
            while limit is None or report.handled < limit:
                outcome = _deliver_next(db_session, mailer, policy, clock, started, report)
                if outcome is None:
                    break
                report.counts[outcome] += 1
                if report.unreachable:
                    # The next mails would only wait for the same timeout; they keep their
                    # turn (and their attempt count) for the next pass.
                    break
    finally:
        mailer.close()
    return report


def _deliver_next(
    db_session: Session,
    mailer: Mailer,
    policy: RetryPolicy,
    clock: Clock,
    started: dt.datetime,
    report: DeliveryReport,
) -> Outcome | None:
    holds_lock = db_session.get_bind().dialect.name != "sqlite"
    mail = db_session.scalars(_due(started)).first()
    if mail is None:
        db_session.rollback()
        return None
    if not holds_lock:
        db_session.commit()  # end the read: no snapshot or lock held while SMTP talks
    attempts_seen = mail.attempts
    error = _attempt(mailer, mail)
    if isinstance(error, Unreachable):
        report.unreachable = True
    if not holds_lock:
        begin_write(db_session)
        db_session.refresh(mail)
        if mail.status is not MailStatus.PENDING or mail.attempts != attempts_seen:
            log.warning("mail %s was handled by another worker meanwhile", mail.id)
            db_session.rollback()
            return Outcome.SKIPPED
    outcome = _record(db_session, mail, error, policy, clock(), mailer.settings)
    try:
        db_session.commit()
    except sa.exc.SQLAlchemyError:
        db_session.rollback()
        if outcome in (Outcome.SENT, Outcome.LOGGED):
            log.error("mail %s went out but is not marked sent: it will be sent again", mail.id)
        raise
    return outcome


def _attempt(mailer: Mailer, mail: OutboxMail) -> BaseException | None:
    if mailer.settings.host is None:
        log.info(
            "E-mail (MAIL_HOST tidak diatur, tidak dikirim) kepada %s\nSubjek: %s\n\n%s",
            mail.recipient,
            mail.subject,
            mail.body,
        )
        return None
    try:
        mailer.send(mail)
    except (OSError, smtplib.SMTPException, Unreachable, Malformed) as error:
        log.warning("E-mail %s ke %s gagal dikirim: %s", mail.id, mail.recipient, error)
        return error
    except Exception as error:
        # Anything else is a fault of ours, not the server's. Counted like a failed attempt so
        # that one bad row backs off and is given up instead of stopping every pass at itself.
        log.exception("E-mail %s ke %s gagal dikirim", mail.id, mail.recipient)
        return error
    return None


def _record(
    db_session: Session,
    mail: OutboxMail,
    error: BaseException | None,
    policy: RetryPolicy,
    now: dt.datetime,
    settings: MailSettings,
) -> Outcome:
    mail.attempts += 1
    if error is None:
        mail.status = MailStatus.SENT
        mail.sent_at = now
        mail.last_error = None
        if mail.notification_id is not None:
            db_session.execute(
                sa.update(Notification)
                .where(Notification.id == mail.notification_id)
                .values(emailed_at=now)
            )
        return Outcome.SENT if settings.host is not None else Outcome.LOGGED
    mail.last_error = _describe(error)[:500]
    if mail.attempts < policy.max_attempts and not _permanent(error):
        mail.next_attempt_at = now + policy.delay(mail.attempts)
        return Outcome.RETRY
    mail.status = MailStatus.FAILED
    db_session.flush()
    audit.record(
        db_session,
        "mail.failed",
        object_type="mail",
        object_id=mail.id,
        # In the commitment's timeline too, where the secretariat looks.
        commitment_id=mail.notification.commitment_id if mail.notification else None,
        details={
            "recipient": mail.recipient,
            "subject": mail.subject,
            "attempts": mail.attempts,
            "error": mail.last_error,
        },
    )
    log.error("E-mail %s ke %s tidak terkirim: %s", mail.id, mail.recipient, mail.last_error)
    return Outcome.FAILED


def follow(
    engine: Engine,
    settings: MailSettings,
    policy: RetryPolicy,
    *,
    interval: float,
    wait: Callable[[float], Any],
    stopped: Callable[[], bool],
    clock: Clock = utcnow,
    connect: Callable[[MailSettings], smtplib.SMTP] = open_smtp,
) -> None:
    """Deliver, wait ``interval`` seconds, and again, until ``stopped()``.

    ``wait`` is e.g. ``threading.Event().wait`` so that a stop request ends the wait at once.
    A database that is away (restarting) is logged and tried again, not fatal: the worker is
    meant to run as a service.
    """
    while not stopped():
        try:
            report = deliver(engine, settings, policy, clock=clock, connect=connect)
        except sa.exc.SQLAlchemyError as error:
            log.warning("outbox not readable, trying again in %s s: %s", interval, error)
        else:
            if report.handled:
                log.info("outbox pass: %s", _summary(report))
        wait(interval)


def _summary(report: DeliveryReport) -> str:
    return ", ".join(f"{outcome.value} {count}" for outcome, count in report.counts.items())


def requeue(db_session: Session, ids: list[int] | None, now: dt.datetime) -> list[OutboxMail]:
    """Give failed mail (all, or those of ``ids``) a fresh set of attempts from ``now``.

    Flushes; the caller commits.
    """
    query = sa.select(OutboxMail).where(OutboxMail.status == MailStatus.FAILED)
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    rows = list(db_session.scalars(query.order_by(OutboxMail.id)))
    for mail in rows:
        mail.status = MailStatus.PENDING
        mail.attempts = 0
        mail.next_attempt_at = now
    db_session.flush()
    return rows


def start_in_background(app: Flask, interval: float | None = None) -> threading.Event:
    """Run the worker in a daemon thread of this process (what ``signing demo`` does: one
    command, mail still never sent by a request). Set the returned event to stop it.

    Production runs ``signing notifications deliver --follow`` as a service of its own instead
    (docs/notifications.md): a web server's threads come and go with its workers.
    """
    stop = threading.Event()
    pause = interval or float(app.config.get("MAIL_POLL_SECONDS") or 5)

    def run() -> None:
        with app.app_context():
            follow(
                db.engine(),
                MailSettings.from_config(app.config),
                RetryPolicy.from_config(app.config),
                interval=pause,
                wait=stop.wait,
                stopped=stop.is_set,
            )

    threading.Thread(target=run, name="mail-outbox", daemon=True).start()
    return stop
