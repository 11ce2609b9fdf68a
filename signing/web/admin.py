"""Administration: accounts, the audit log's integrity and the mail outbox."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from signing import audit, db
from signing.db import utcnow
from signing.models import MailStatus, OutboxMail, Role, User
from signing.notifications.delivery import requeue
from signing.web.access import role_required
from signing.web.unit import committed
from signing.workflow.marks import verify_decline_signatures

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/pengguna")
@role_required(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    accounts = db.session.execute(sa.select(User).order_by(User.username)).scalars().all()
    return render_template("admin/users.html", accounts=accounts)


@bp.get("/audit")
@role_required(Role.ADMIN, Role.SECRETARIAT)
def audit_chain():  # type: ignore[no-untyped-def]
    # The chain's own links, then the sealed checkpoints that show truncation and rewriting.
    problems = audit.verify_chain(db.session)
    problems += audit.verify_checkpoints(db.session, current_app).problems
    problems += verify_decline_signatures(db.session)
    return render_template("admin/audit.html", problems=problems)


@bp.get("/surel")
@role_required(Role.ADMIN)
def mail_outbox():  # type: ignore[no-untyped-def]
    """Mail that failed or still waits (with its attempts and last error), newest first."""
    counts = dict(
        db.session.execute(
            sa.select(OutboxMail.status, sa.func.count()).group_by(OutboxMail.status)
        ).all()
    )
    unsent = (
        db.session.execute(
            sa.select(OutboxMail)
            .where(OutboxMail.status != MailStatus.SENT)
            .order_by(OutboxMail.id.desc())
            .limit(200)
        )
        .scalars()
        .all()
    )
    return render_template(
        "admin/mail.html",
        counts={status: counts.get(status, 0) for status in MailStatus},
        unsent=unsent,
    )


@bp.post("/surel/ulang")
@role_required(Role.ADMIN)
def mail_retry():  # type: ignore[no-untyped-def]
    with committed():
        rows = requeue(db.session, None, utcnow())
        if rows:
            audit.record(
                db.session,
                "mail.requeue",
                actor=current_user,
                object_type="mail",
                details={"ids": [mail.id for mail in rows]},
            )
    flash(gettext("%(count)s e-mail diantrekan lagi.", count=len(rows)), "success")
    return redirect(url_for("admin.mail_outbox"))
