"""Landing page: each role goes where its work is."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    return render_template("main/index.html", user=current_user)
