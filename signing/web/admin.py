"""Administration: accounts and the audit log's integrity."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from signing import audit, db
from signing.models import Role, User
from signing.web.access import role_required

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
    problems += audit.verify_decline_signatures(db.session)
    return render_template("admin/audit.html", problems=problems)
