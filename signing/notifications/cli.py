"""``signing notifications``: the outbox worker and its inspection.

- ``deliver``: one pass over the mail due now; ``--follow`` keeps polling (run it as a service,
  see docs/notifications.md). Exit 0; 1 when the pass could not reach the SMTP server or gave
  a mail up, so that a cron job or a health check notices.
- ``list``: the outbox, newest first (``--status pending|sent|failed``).
- ``retry``: queue failed mail again with a fresh set of attempts.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from signing import audit, db
from signing.db import utcnow
from signing.models import MailStatus, OutboxMail
from signing.notifications import MailSettings
from signing.notifications.delivery import Outcome, RetryPolicy, deliver, follow, requeue


@click.group("notifications", help="Kotak keluar e-mail notifikasi.")
def notifications_group() -> None:
    pass


@notifications_group.command("deliver")
@click.option("--follow", "keep_going", is_flag=True, help="Terus berjalan dan periksa berkala.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Jeda pemeriksaan dengan --follow, detik (bawaan: MAIL_POLL_SECONDS).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Paling banyak N e-mail.")
@with_appcontext
def deliver_command(keep_going: bool, interval: float | None, limit: int | None) -> None:
    """Kirim e-mail yang menunggu di kotak keluar."""
    settings = MailSettings.from_config(current_app.config)
    policy = RetryPolicy.from_config(current_app.config)
    if keep_going:
        stop = threading.Event()

        def _stop(_signum: int, _frame: Any) -> None:
            stop.set()

        # systemd and gunicorn stop with SIGTERM: finish the mail at hand, then leave, rather
        # than die between the SMTP send and the commit (which would send it twice).
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        pause = interval or float(current_app.config.get("MAIL_POLL_SECONDS") or 5)
        click.echo(f"Mengirim kotak keluar setiap {pause:g} detik; hentikan dengan Ctrl+C.")
        follow(db.engine(), settings, policy, interval=pause, wait=stop.wait, stopped=stop.is_set)
        return
    report = deliver(db.engine(), settings, policy, limit=limit)
    click.echo(
        f"Terkirim {report[Outcome.SENT]}, dicatat ke log {report[Outcome.LOGGED]}, "
        f"dicoba lagi nanti {report[Outcome.RETRY]}, gagal {report[Outcome.FAILED]}."
    )
    if report.unreachable:
        click.secho("Server SMTP tidak dapat dihubungi; e-mail tetap menunggu.", fg="red", err=True)
    if report.unreachable or report[Outcome.FAILED]:
        sys.exit(1)


@notifications_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in MailStatus]), default=None)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@with_appcontext
def list_command(status: str | None, limit: int) -> None:
    """Tampilkan isi kotak keluar, terbaru dahulu."""
    query = sa.select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMail.status == MailStatus(status))
    for mail in db.session.scalars(query):
        when = mail.sent_at if mail.status is MailStatus.SENT else mail.next_attempt_at
        click.echo(
            f"{mail.id}\t{mail.status.label}\t{mail.attempts}x\t{when:%Y-%m-%d %H:%M:%S}Z\t"
            f"{mail.recipient}\t{mail.subject}"
        )
        if mail.last_error and mail.status is not MailStatus.SENT:
            click.echo(f"\t{mail.last_error}")


@notifications_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Semua e-mail yang gagal.")
@with_appcontext
def retry_command(ids: tuple[int, ...], all_failed: bool) -> None:
    """Antrekan lagi e-mail yang gagal (misalnya setelah pengaturan SMTP diperbaiki)."""
    if not ids and not all_failed:
        raise click.UsageError("sebutkan nomor e-mail atau --all-failed")
    rows = requeue(db.session, None if all_failed else list(ids), utcnow())
    if rows:
        audit.record(
            db.session,
            "mail.requeue",
            object_type="mail",
            details={"ids": [mail.id for mail in rows]},
        )
    db.session.commit()
    click.echo(f"{len(rows)} e-mail diantrekan lagi.")


COMMANDS = [notifications_group]
