"""Landing page: each role goes where its work is."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from signing.dates import day_text, moment_text
from signing.models import Role
from signing.workflow.refusals import refusal_text

bp = Blueprint("main", __name__)
# A refusal shown in a template: ``{{ error|refusal }}`` (translated at display time).
bp.add_app_template_filter(refusal_text, "refusal")
# A label the models give in Indonesian (act kind, state, role), which is its own msgid.
bp.add_app_template_filter(gettext, "translated")
# Dates in the reader's locale, one style (signing.dates): ``{{ event.date|day }}``.
bp.add_app_template_filter(day_text, "day")
bp.add_app_template_filter(moment_text, "moment")

#: Where each role's work starts.
HOME_ENDPOINTS = {
    Role.OFFICIAL: "inbox.index",
    Role.SECRETARIAT: "secretariat.events",
    Role.ADMIN: "admin.users",
}


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    endpoint = HOME_ENDPOINTS.get(current_user.role)
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("main/index.html", user=current_user)
