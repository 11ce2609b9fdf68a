"""Mail outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:00:00

Notifications' e-mails are written as rows in the act's own transaction and sent by
``signing notifications deliver`` with retries, instead of by SMTP inside the request.
Mail that the old after-commit hook never sent (``emailed_at`` empty) is not queued again: it
may be weeks old, and its inbox entry is still there.
"""

from __future__ import annotations

from signing.migrations.helpers import enum, integer, moment, string, table, table_steps, text

revision = "0006"
down_revision = "0005"

MAIL_OUTBOX = table(
    "mail_outbox",
    integer("notification_id", nullable=True),
    string("recipient", 200),
    string("subject", 300),
    text("body"),
    string("message_id", 250),
    enum("status", "mailstatus", "PENDING SENT FAILED", 10),
    integer("attempts"),
    moment("next_attempt_at"),
    string("last_error", 500, nullable=True),
    moment("created_at"),
    moment("sent_at", nullable=True),
    references={"notification_id": "notifications.id"},
    named_indexes={"ix_mail_outbox_due": "status next_attempt_at"},
)


upgrade, downgrade = table_steps(MAIL_OUTBOX)
