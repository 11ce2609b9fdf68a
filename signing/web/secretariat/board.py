"""An event's status dashboard, its self-refreshing matrix, the follow-up lists and exports."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext
from flask_login import current_user

from signing import PROJECT_DIR, db
from signing.i18n import SOURCE_DIR
from signing.models import Event, SlotRole
from signing.secretariat import chase, dashboard, exports, overview, words
from signing.web.access import role_required
from signing.web.secretariat.blueprint import STAFF, bp, commitment_or_404, event_or_404
from signing.web.unit import UnitOfWork
from signing.workflow.turns import send_reminder

#: How often the dashboard refreshes itself (``SECRETARIAT_REFRESH_SECONDS`` overrides it).
REFRESH_SECONDS = 10


def _board(event: Event) -> dashboard.Dashboard:
    period = request.args.get("periode") or None
    return dashboard.build_dashboard(db.session, event, mcp_period=period)


def _render_board(template: str, event: Event, **context: Any) -> str:
    """The dashboard page or its matrix fragment, with the matrix's columns and words."""
    return render_template(
        template,
        event=event,
        board=_board(event),
        columns=words.MATRIX_SLOTS,
        labels=words.COLUMN_LABELS,
        short_labels=words.SHORT_LABELS,
        **context,
    )


@bp.get("/acara/<int:event_id>", endpoint="dashboard")
@role_required(*STAFF)
def dashboard_view(event_id: int):  # type: ignore[no-untyped-def]
    return _render_board(
        "secretariat/dashboard.html",
        event_or_404(event_id),
        refresh_seconds=current_app.config.get("SECRETARIAT_REFRESH_SECONDS", REFRESH_SECONDS),
    )


#: What shapes the refresh fragment besides the data: a deploy that changes any of these must
#: not let a browser keep an old fragment (project-relative; templates under ``templates/``).
BOARD_SOURCES = (
    "templates/secretariat/_board.html",
    "templates/secretariat/_macros.html",
    "signing/secretariat/dashboard.py",
    "signing/secretariat/words.py",
    "signing/secretariat/overview.py",
    "signing/secretariat/mcp/zones.py",
    "signing/secretariat/mcp/progress.py",
    "signing/workflow/status.py",
    "signing/workflow/routing.py",
    "signing/web/secretariat/board.py",
)
_board_format_cache: dict[tuple[Any, ...], str] = {}


def _board_format() -> str:
    """A digest of :data:`BOARD_SOURCES` and the translation catalogues, re-read only when a
    file's size or time changes (templates reload without a restart in development)."""
    paths = [PROJECT_DIR / name for name in BOARD_SOURCES]
    paths += sorted(SOURCE_DIR.glob("*/LC_MESSAGES/messages.po"))
    # A file missing from a deployment (only .pyc shipped) counts by its name alone.
    present = [path for path in paths if path.is_file()]
    stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in present)
    digest = _board_format_cache.get(stamps)
    if digest is None:
        hasher = hashlib.sha256()
        for path in present:
            hasher.update(path.read_bytes())
        digest = hasher.hexdigest()[:16]
        _board_format_cache.clear()
        _board_format_cache[stamps] = digest
    return digest


def _board_etag(event: Event) -> str:
    """A strong validator of the fragment: the data it shows (one query), the reader's
    language, the chosen MCP period and the code that renders it."""
    state = overview.board_fingerprint(db.session, event)
    parts = (_board_format(), str(get_locale()), request.args.get("periode") or "", state)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@bp.get("/acara/<int:event_id>/matriks")
@role_required(*STAFF)
def dashboard_matrix(event_id: int):  # type: ignore[no-untyped-def]
    """The matrix and totals alone, for the page's self-refresh (or ``?format=json``).

    Every ten seconds from every open dashboard, mostly with nothing new: the HTML carries an
    ETag, and a request whose ``If-None-Match`` still matches gets a bodiless 304 without the
    dashboard's queries. Permission is checked first (the decorator), so only staff ever learn
    that nothing changed.
    """
    event = event_or_404(event_id)
    if request.args.get("format") == "json":
        return jsonify(dashboard.matrix_json(_board(event)))
    # The tag is taken before rendering: an act landing in between makes the body newer than
    # its tag, and the next request simply gets the board again.
    etag = _board_etag(event)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(_render_board("secretariat/_board.html", event))
    response.set_etag(etag)
    # Kept by the browser but asked about every time; never by a shared cache.
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@bp.get("/acara/<int:event_id>/tindak-lanjut")
@role_required(*STAFF)
def follow_up(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    loaded, _missing = overview.load_overview(db.session, event, with_offices=True)
    return render_template(
        "secretariat/follow_up.html",
        event=event,
        lists=chase.follow_up(loaded),
        labels=words.COLUMN_LABELS,
    )


@bp.post("/komitmen/<int:commitment_id>/pengingat")
@role_required(*STAFF)
def remind(commitment_id: int):  # type: ignore[no-untyped-def]
    commitment = commitment_or_404(commitment_id)
    try:
        role = SlotRole(request.form.get("role", ""))
    except ValueError:
        abort(400)
    back = url_for(".follow_up", event_id=commitment.event_id)
    with UnitOfWork() as work:
        send_reminder(db.session, commitment, role, actor=current_user)
    if not work.refused:
        flash(
            gettext(
                "Pengingat untuk %(slot)s %(region)s dikirim.",
                slot=words.COLUMN_LABELS[role],
                region=commitment.region.name,
            ),
            "success",
        )
    return redirect(back)


@bp.get("/acara/<int:event_id>/ekspor/<kind>.<fmt>")
@role_required(*STAFF)
def export(event_id: int, kind: str, fmt: str):  # type: ignore[no-untyped-def]
    if kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
        abort(404)
    event = event_or_404(event_id)
    loaded = overview.load_overview(db.session, event, with_offices=kind == "paraf-saja")
    period = request.args.get("periode") or None
    board = dashboard.build_dashboard(db.session, event, mcp_period=period, loaded=loaded)
    lists = chase.follow_up(loaded[0]) if kind == "paraf-saja" else None
    name, data, mime = exports.export(kind, fmt, board, lists)
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
