"""The secretariat's blueprint and what its pages share: loading by id, the staff roles."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, request
from sqlalchemy.orm import joinedload

from signing import db
from signing.dates import wib_text
from signing.models import Commitment, Event, Province, Role
from signing.secretariat import mcp
from signing.web.access import found_or_404

bp = Blueprint("secretariat", __name__, url_prefix="/sekretariat")
bp.add_app_template_filter(wib_text, "secretariat_wib")

STAFF = (Role.SECRETARIAT, Role.ADMIN)


@bp.app_template_filter("secretariat_percent")
def _percent_filter(value: Any) -> str:
    return mcp.format_percent(value)


def event_or_404(event_id: int) -> Event:
    return found_or_404(db.session, Event, event_id, options=[joinedload(Event.province)])


def commitment_or_404(commitment_id: int) -> Commitment:
    return found_or_404(db.session, Commitment, commitment_id)


def wants_json() -> bool:
    return (
        request.accept_mimetypes.best == "application/json"
        or request.headers.get("X-Requested-With") == "fetch"
    )


def province_code() -> str:
    """The province the page is about (``?provinsi=``), else the configured one, else the first."""
    code = request.values.get("provinsi") or current_app.config.get("PROVINCE_CODE", "62")
    if db.session.get(Province, code) is None:
        first = db.session.execute(sa.select(Province.code).order_by(Province.code)).scalar()
        if first is None:
            abort(404)
        return first
    return code
