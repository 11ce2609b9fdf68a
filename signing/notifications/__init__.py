"""Notifications: an in-app inbox entry, and an e-mail written to the outbox in the same
transaction.

:func:`notify` adds a :class:`~signing.models.Notification` and, for a user with an e-mail
address, an :class:`~signing.models.OutboxMail` row to the caller's session. Nothing is sent
here: the rows commit or roll back with the act that wrote them, and the worker
(``signing notifications deliver``, :mod:`signing.notifications.delivery`) sends them later
with retries. So no request ever waits for, or fails because of, an SMTP server.

Subjects and bodies are Jinja templates in ``templates/mail/`` whose texts are
``{% trans %}`` blocks (Indonesian source, English in ``signing/translations``); they are
rendered in the recipient's own language when the row is written.
"""

from __future__ import annotations

import functools
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from typing import Any

import jinja2
from flask import current_app, has_app_context
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy.orm import Session

from signing import PROJECT_DIR
from signing.db import utcnow
from signing.models import Commitment, Notification, OutboxMail, User

__all__ = ["MailSettings", "build_message", "notify", "pending_mail", "render"]

MAIL_TEMPLATES = PROJECT_DIR / "templates" / "mail"


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


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@functools.cache
def _environment() -> jinja2.Environment:
    # An environment of its own rather than the app's: plain text (no HTML escaping), strict
    # about missing values (a mail with an empty name is worse than a failed act in a test),
    # and usable from the worker and the CLI as well as from a request.
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(MAIL_TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return environment


def render(template: str, locale: str | None = None, **context: Any) -> Rendered:
    """Render ``templates/mail/<template>.txt`` (blocks ``subject`` and ``body``) in ``locale``."""
    loaded = _environment().get_template(f"{template}.txt")
    locale = locale or _default_locale()
    with force_locale(locale):
        values = loaded.new_context(context)
        subject = "".join(loaded.blocks["subject"](values))
        body = "".join(loaded.blocks["body"](values))
    # A subject is one line whatever the template's line breaks; bodies keep their paragraphs.
    return Rendered(" ".join(subject.split()), body.strip())


def _default_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "id") if has_app_context() else "id"


def _recipient_locale(user: User) -> str:
    languages = current_app.config.get("LANGUAGES", ("id",)) if has_app_context() else ("id",)
    return user.locale if user.locale in languages else _default_locale()


def _absolute(url: str | None) -> str | None:
    if not url or "://" in url or not has_app_context():
        return url
    return current_app.config.get("BASE_URL", "").rstrip("/") + "/" + url.lstrip("/")


def _sender() -> str:
    return MailSettings.from_config(current_app.config).sender if has_app_context() else ""


def notify(
    db_session: Session,
    user: User,
    template: str,
    *,
    url: str | None = None,
    commitment: Commitment | None = None,
    **context: Any,
) -> Notification:
    """Put a message in ``user``'s inbox and, if they have an address, its e-mail in the outbox.

    Both rows are only added to ``db_session``: they land with the caller's commit.
    """
    link = _absolute(url)
    text = render(template, _recipient_locale(user), url=link, **context)
    notification = Notification(
        user=user,
        user_id=user.id,
        commitment_id=commitment.id if commitment is not None else None,
        subject=text.subject[:300],
        body=text.body,
        url=link,
        created_at=utcnow(),
    )
    db_session.add(notification)
    if user.email:
        domain = _sender().rpartition("@")[2] or None
        db_session.add(
            OutboxMail(
                notification=notification,
                recipient=user.email,
                subject=text.subject[:300],
                body=text.body + (f"\n\n{link}" if link else ""),
                message_id=make_msgid(domain=domain),
            )
        )
    return notification


def pending_mail(db_session: Session) -> list[OutboxMail]:
    """Outbox rows added in this session's open transaction (not committed yet)."""
    return [row for row in db_session.new if isinstance(row, OutboxMail)]


def build_message(sender: str, mail: OutboxMail) -> EmailMessage:
    # The SMTP policy folds long Indonesian subjects correctly (compat32 breaks before the text).
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body)
    return message


def open_smtp(settings: MailSettings) -> smtplib.SMTP:
    """A logged-in connection to the configured SMTP server."""
    assert settings.host is not None
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
