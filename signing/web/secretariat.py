"""The secretariat's pages: events, the status dashboard, chasing, documents, mandates, MCP.

Every route is for the secretariat (and administrators); officials get 403, anonymous users the
login page. Views load, check, call one operation and commit once; a refused operation rolls
back and says why. The secretariat never acts on a slot: no page here offers signing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
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
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from signing import db
from signing.models import (
    Act,
    AuditEntry,
    Commitment,
    Event,
    Mandate,
    MandateKind,
    Office,
    OfficeKind,
    Province,
    Revision,
    Role,
    SlotRole,
    User,
)
from signing.secretariat import batches, dashboard, exports, mcp
from signing.secretariat import events as event_ops
from signing.web.access import role_required

bp = Blueprint("secretariat", __name__, url_prefix="/sekretariat")

STAFF = (Role.SECRETARIAT, Role.ADMIN)
#: How often the dashboard refreshes itself (``SECRETARIAT_REFRESH_SECONDS`` overrides it).
REFRESH_SECONDS = 10


@bp.app_template_filter("secretariat_wib")
def _wib_filter(moment: dt.datetime | None) -> str:
    return dashboard.wib(moment)


@bp.app_template_filter("secretariat_percent")
def _percent_filter(value: Any) -> str:
    return mcp.format_percent(value)


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id, options=[joinedload(Event.province)])
    if event is None:
        abort(404)
    return event


def _commitment_or_404(commitment_id: int) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None:
        abort(404)
    return commitment


def _wants_json() -> bool:
    return (
        request.accept_mimetypes.best == "application/json"
        or request.headers.get("X-Requested-With") == "fetch"
    )


def _flash_errors(errors: list[str]) -> None:
    """Flash the problems a lower layer found, in Indonesian there; a fixed message is its own
    msgid, so it is shown translated (one that carries values stays as written)."""
    for message in errors[:50]:
        flash(gettext(message), "error")
    if len(errors) > 50:
        flash(gettext("... dan %(count)s kesalahan lainnya.", count=len(errors) - 50), "error")


# --- events -----------------------------------------------------------------------------------


@bp.get("/", endpoint="events")
@role_required(*STAFF)
def event_list():  # type: ignore[no-untyped-def]
    rows = db.session.execute(
        sa.select(
            Event,
            sa.func.count(Commitment.id).filter(Commitment.voided_at.is_(None)),
            sa.func.count(Commitment.completed_at).filter(Commitment.voided_at.is_(None)),
        )
        .outerjoin(Commitment, Commitment.event_id == Event.id)
        .group_by(Event.id)
        .order_by(Event.date.desc(), Event.id.desc())
    ).all()
    return render_template("secretariat/events.html", rows=rows)


@bp.route("/acara/baru", methods=["GET", "POST"])
@role_required(*STAFF)
def event_new():  # type: ignore[no-untyped-def]
    provinces = db.session.execute(sa.select(Province).order_by(Province.code)).scalars().all()
    form = request.form if request.method == "POST" else {}
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            policy = event_ops.routing_from_form(request.form)
            event = event_ops.create_event(
                db.session,
                name=request.form.get("name", ""),
                date=request.form.get("date", ""),
                place=request.form.get("place", ""),
                province_code=request.form.get("province_code", ""),
                number_prefix=request.form.get("number_prefix", ""),
                routing_policy=policy,
                actor=current_user,
            )
        except event_ops.EventRefused as error:
            db.session.rollback()
            _flash_errors(error.errors)
            field_errors = _event_field_errors(error.errors)
        else:
            db.session.commit()
            flash(gettext("Acara dibuat. Periksa kesiapan lalu buat dokumennya."), "success")
            return redirect(url_for(".prepare", event_id=event.id))
    return render_template(
        "secretariat/event_new.html",
        provinces=provinces,
        form=form,
        default_province=current_app.config.get("PROVINCE_CODE", "62"),
        routing_modes=event_ops.ROUTING_MODES,
        witness_modes=event_ops.WITNESS_MODES,
        advance_modes=event_ops.ADVANCE_MODES,
        party_roles=_party_roles(),
        policy={},
        field_errors=field_errors,
    ), (422 if request.method == "POST" else 200)


#: Which field of the new-event form a problem found by ``create_event`` is about.
_EVENT_FIELDS = (
    ("Nama acara", "name"),
    ("Tempat", "place"),
    ("Tanggal", "date"),
    ("Provinsi", "province_code"),
    ("Awalan nomor", "number_prefix"),
)


def _event_field_errors(errors: list[str]) -> dict[str, str]:
    """The first problem of each field, for the message beside it (the flash lists them all)."""
    found: dict[str, str] = {}
    for message in errors:
        for prefix, field in _EVENT_FIELDS:
            if message.startswith(prefix):
                found.setdefault(field, gettext(message))
    return found


def _party_roles() -> list[tuple[str, str]]:
    from signing.models.commitments import PARTY_SLOTS

    return [(role.value, dashboard.COLUMN_LABELS[role]) for role in PARTY_SLOTS]


# --- preparation ------------------------------------------------------------------------------


def _policy_numbers(policy: dict[str, Any]) -> dict[str, int]:
    """Position (sequential) or group number (groups) of each party, for the form."""
    numbers: dict[str, int] = {}
    if policy.get("mode") == "sequential":
        for index, role in enumerate(policy.get("order", []), start=1):
            numbers[role] = index
    else:
        for index, group in enumerate(policy.get("groups", []), start=1):
            for role in group:
                numbers[role] = index
    return numbers


@bp.get("/acara/<int:event_id>/persiapan")
@role_required(*STAFF)
def prepare(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    check = event_ops.readiness(db.session, event)
    locked = event_ops.event_has_acts(db.session, event)
    policy = dict(event.routing_policy or {})
    return render_template(
        "secretariat/prepare.html",
        event=event,
        readiness=check,
        locked=locked,
        policy=policy,
        numbers=_policy_numbers(policy),
        routing_text=event_ops.describe_routing(policy),
        routing_modes=event_ops.ROUTING_MODES,
        witness_modes=event_ops.WITNESS_MODES,
        advance_modes=event_ops.ADVANCE_MODES,
        party_roles=_party_roles(),
        batch_size=batches.DEFAULT_BATCH,
    )


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


@bp.post("/acara/<int:event_id>/teks")
@role_required(*STAFF)
def update_text(event_id: int):  # type: ignore[no-untyped-def]
    from signing.commitments.errors import GenerationRefused
    from signing.commitments.generation import update_event_text

    event = _event_or_404(event_id)
    try:
        stale = update_event_text(
            db.session,
            event,
            _lines("legal_bases"),
            _lines("considerations"),
            _lines("points"),
            actor=current_user,
        )
    except GenerationRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".prepare", event_id=event.id, _anchor="teks"))
    db.session.commit()
    flash(gettext("Teks komitmen disimpan."), "success")
    if stale:
        flash(
            gettext(
                "%(count)s dokumen yang sudah dibuat masih memuat teks lama: tekan "
                "'Buat ulang dokumen' agar teks baru berlaku.",
                count=len(stale),
            ),
            "warning",
        )
    return redirect(url_for(".prepare", event_id=event.id, _anchor="teks"))


@bp.post("/acara/<int:event_id>/urutan")
@role_required(*STAFF)
def update_routing(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    try:
        policy = event_ops.routing_from_form(request.form)
        event_ops.set_routing(db.session, event, policy, actor=current_user)
    except event_ops.EventRefused as error:
        db.session.rollback()
        _flash_errors(error.errors)
    else:
        db.session.commit()
        flash(gettext("Urutan penandatanganan disimpan."), "success")
    return redirect(url_for(".prepare", event_id=event.id, _anchor="urutan"))


@bp.post("/acara/<int:event_id>/buat")
@role_required(*STAFF)
def generate(event_id: int):  # type: ignore[no-untyped-def]
    """One batch (JavaScript progress bar) or, with ``size=0``, everything in one request."""
    from signing.pki.errors import PkiError

    event = _event_or_404(event_id)
    mode = request.form.get("mode", "generate")
    if mode not in batches.MODES:
        abort(400)
    try:
        size = int(request.form.get("size", "0"))
    except ValueError:
        abort(400)
    after = request.form.get("after") or None
    try:
        result = batches.run_batch(
            db.session, event, actor=current_user, after=after, size=size, mode=mode
        )
    except PkiError as error:
        db.session.rollback()
        message = gettext("Dokumen tidak dapat dibuat: %(error)s", error=error)
        if _wants_json():
            return jsonify({"error": message}), 409
        flash(message, "error")
        return redirect(url_for(".prepare", event_id=event.id, _anchor="buat"))
    db.session.commit()
    if _wants_json():
        return jsonify(result.as_json())
    counts = {"generated": len(result.generated), "skipped": len(result.skipped)}
    flash(
        gettext("%(generated)s dokumen dibuat, %(skipped)s dilewati.", **counts)
        if mode == "generate"
        else gettext("%(generated)s dokumen dibuat ulang, %(skipped)s dilewati.", **counts),
        "success" if not result.errors else "warning",
    )
    for code, message in result.errors:
        flash(f"{code}: {message}", "error")
    return redirect(url_for(".prepare", event_id=event.id, _anchor="buat"))


# --- dashboard --------------------------------------------------------------------------------


def _board(event: Event) -> dashboard.Dashboard:
    period = request.args.get("periode") or None
    return dashboard.build_dashboard(db.session, event, mcp_period=period)


@bp.get("/acara/<int:event_id>", endpoint="dashboard")
@role_required(*STAFF)
def dashboard_view(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    board = _board(event)
    return render_template(
        "secretariat/dashboard.html",
        event=event,
        board=board,
        refresh_seconds=current_app.config.get("SECRETARIAT_REFRESH_SECONDS", REFRESH_SECONDS),
        columns=dashboard.MATRIX_SLOTS,
        labels=dashboard.COLUMN_LABELS,
        short_labels=dashboard.SHORT_LABELS,
    )


#: What shapes the refresh fragment besides the data: a deploy that changes any of these must
#: not let a browser keep an old fragment (project-relative; templates under ``templates/``).
BOARD_SOURCES = (
    "templates/secretariat/_board.html",
    "templates/secretariat/_macros.html",
    "signing/secretariat/dashboard.py",
    "signing/secretariat/mcp.py",
    "signing/workflow/status.py",
    "signing/workflow/routing.py",
    "signing/web/secretariat.py",
)
_board_format_cache: dict[tuple[Any, ...], str] = {}


def _board_format() -> str:
    """A digest of :data:`BOARD_SOURCES` and the translation catalogues, re-read only when a
    file's size or time changes (templates reload without a restart in development)."""
    from signing import PROJECT_DIR
    from signing.i18n import SOURCE_DIR

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
    from flask_babel import get_locale

    state = dashboard.board_fingerprint(db.session, event)
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
    event = _event_or_404(event_id)
    if request.args.get("format") == "json":
        return jsonify(dashboard.matrix_json(_board(event)))
    # The tag is taken before rendering: an act landing in between makes the body newer than
    # its tag, and the next request simply gets the board again.
    etag = _board_etag(event)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        board = _board(event)
        response = Response(
            render_template(
                "secretariat/_board.html",
                event=event,
                board=board,
                columns=dashboard.MATRIX_SLOTS,
                labels=dashboard.COLUMN_LABELS,
                short_labels=dashboard.SHORT_LABELS,
            )
        )
    response.set_etag(etag)
    # Kept by the browser but asked about every time; never by a shared cache.
    response.headers["Cache-Control"] = "no-cache, private"
    return response


@bp.get("/acara/<int:event_id>/tindak-lanjut")
@role_required(*STAFF)
def follow_up(event_id: int):  # type: ignore[no-untyped-def]
    event = _event_or_404(event_id)
    overview, _missing = dashboard.load_overview(db.session, event, with_offices=True)
    lists = dashboard.follow_up(overview)
    return render_template(
        "secretariat/follow_up.html",
        event=event,
        lists=lists,
        labels=dashboard.COLUMN_LABELS,
    )


@bp.post("/komitmen/<int:commitment_id>/pengingat")
@role_required(*STAFF)
def remind(commitment_id: int):  # type: ignore[no-untyped-def]
    from signing.workflow.operations import WorkflowRefused, send_reminder

    commitment = _commitment_or_404(commitment_id)
    try:
        role = SlotRole(request.form.get("role", ""))
    except ValueError:
        abort(400)
    back = url_for(".follow_up", event_id=commitment.event_id)
    try:
        send_reminder(db.session, commitment, role, actor=current_user)
    except WorkflowRefused as error:
        db.session.rollback()
        flash(error.text(), "error")
        return redirect(back)
    db.session.commit()
    flash(
        gettext(
            "Pengingat untuk %(slot)s %(region)s dikirim.",
            slot=dashboard.COLUMN_LABELS[role],
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
    event = _event_or_404(event_id)
    loaded = dashboard.load_overview(db.session, event, with_offices=kind == "paraf-saja")
    period = request.args.get("periode") or None
    board = dashboard.build_dashboard(db.session, event, mcp_period=period, loaded=loaded)
    lists = dashboard.follow_up(loaded[0]) if kind == "paraf-saja" else None
    name, data, mime = exports.export(kind, fmt, board, lists)
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- one commitment ---------------------------------------------------------------------------


@bp.get("/komitmen/<int:commitment_id>")
@role_required(*STAFF)
def commitment(commitment_id: int):  # type: ignore[no-untyped-def]
    from signing.workflow.status import commitment_status

    item = _commitment_or_404(commitment_id)
    versions = list(
        db.session.execute(
            sa.select(Commitment)
            .where(Commitment.event_id == item.event_id, Commitment.region_id == item.region_id)
            .order_by(Commitment.version)
        ).scalars()
    )
    timeline = list(
        db.session.execute(
            sa.select(AuditEntry).where(AuditEntry.commitment_id == item.id).order_by(AuditEntry.id)
        ).scalars()
    )
    mandate_acts = list(
        db.session.execute(
            sa.select(Act)
            .where(Act.commitment_id == item.id, Act.mandate_id.is_not(None))
            .options(selectinload(Act.mandate))
            .order_by(Act.id)
        ).scalars()
    )
    revisions = list(
        db.session.execute(
            sa.select(Revision).where(Revision.commitment_id == item.id).order_by(Revision.sequence)
        ).scalars()
    )
    status = commitment_status(item)
    pages = 0
    pdf_error = None
    if item.current_sha256:
        from signing.commitments.errors import StorageError
        from signing.commitments.storage import current_pdf
        from signing.documents.preview import page_count

        try:
            pages = page_count(current_pdf(db.session, item))
        except StorageError as error:
            pdf_error = str(error)
    acts = {act.id: act for act in item.acts}
    return render_template(
        "secretariat/commitment.html",
        item=item,
        event=item.event,
        status=status,
        versions=versions,
        timeline=timeline,
        mandate_acts=mandate_acts,
        revisions=revisions,
        pages=pages,
        pdf_error=pdf_error,
        acts=acts,
        labels=dashboard.COLUMN_LABELS,
        slots=dashboard.MATRIX_SLOTS,
        state_word=dashboard.state_word,
        actor_line=dashboard.actor_line,
        commitment_words=dashboard.COMMITMENT_WORDS,
        commitment_classes=dashboard.COMMITMENT_CLASSES,
        audit_words=dashboard.AUDIT_WORDS,
    )


def _pdf_of(item: Commitment) -> bytes:
    from signing.commitments.errors import DocumentNotGenerated
    from signing.commitments.storage import current_pdf

    try:
        return current_pdf(db.session, item)
    except DocumentNotGenerated:
        abort(404)
    # BlobCorrupted: the app's handler says the stored file is damaged (signing.web.errors).


@bp.get("/komitmen/<int:commitment_id>/dokumen.pdf")
@role_required(*STAFF)
def commitment_pdf(commitment_id: int):  # type: ignore[no-untyped-def]
    item = _commitment_or_404(commitment_id)
    data = _pdf_of(item)
    response = Response(data, mimetype="application/pdf")
    safe = item.number.replace("/", "-").replace('"', "")
    disposition = "inline" if request.args.get("lihat") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/komitmen/<int:commitment_id>/halaman/<int:page>.png")
@role_required(*STAFF)
def commitment_page(commitment_id: int, page: int):  # type: ignore[no-untyped-def]
    from signing.documents.preview import page_png

    item = _commitment_or_404(commitment_id)
    data = _pdf_of(item)
    try:
        png = page_png(data, page - 1, scale=1.0)
    except IndexError:
        abort(404)
    response = Response(png, mimetype="image/png")
    # The URL carries the revision hash, so a cached image is never stale.
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["ETag"] = hashlib.sha256(png).hexdigest()[:32]
    return response


@bp.post("/komitmen/<int:commitment_id>/batalkan")
@role_required(*STAFF)
def void(commitment_id: int):  # type: ignore[no-untyped-def]
    from signing.commitments.errors import GenerationError
    from signing.pki.errors import PkiError
    from signing.workflow.operations import WorkflowRefused, void_commitment

    item = _commitment_or_404(commitment_id)
    reason = " ".join(request.form.get("reason", "").split())
    if not reason:
        flash(gettext("Alasan pembatalan wajib diisi."), "error")
        return redirect(url_for(".commitment", commitment_id=item.id, _anchor="batal"))
    reissue = request.form.get("reissue", "1") == "1"
    try:
        result = void_commitment(db.session, item, reason, actor=current_user, reissue=reissue)
    except WorkflowRefused as error:
        db.session.rollback()
        flash(error.text(), "error")
        return redirect(url_for(".commitment", commitment_id=item.id))
    except (GenerationError, PkiError) as error:
        # The void and the new version are one transaction: neither happens.
        db.session.rollback()
        flash(
            gettext(
                "Dokumen tidak dibatalkan: versi baru tidak dapat dibuat (%(error)s).", error=error
            ),
            "error",
        )
        return redirect(url_for(".commitment", commitment_id=item.id))
    db.session.commit()
    flash(gettext("Dokumen %(number)s dibatalkan.", number=item.number), "success")
    replacement = result if isinstance(result, Commitment) and result.id != item.id else None
    if replacement is not None:
        flash(gettext("Versi baru %(number)s diterbitkan.", number=replacement.number), "success")
        return redirect(url_for(".commitment", commitment_id=replacement.id))
    return redirect(url_for(".commitment", commitment_id=item.id))


# --- mandates ---------------------------------------------------------------------------------


SIGNER_OFFICES = (
    OfficeKind.GUBERNUR,
    OfficeKind.WAKIL_GUBERNUR,
    OfficeKind.KETUA_DPRD_PROVINSI,
    OfficeKind.BUPATI,
    OfficeKind.WALIKOTA,
    OfficeKind.KETUA_DPRD,
)
MANDATE_WORDS = {
    MandateKind.PLT: "Plt. (Pelaksana Tugas)",
    MandateKind.PLH: "Plh. (Pelaksana Harian)",
    MandateKind.AN: "a.n. (atas nama)",
}


def _mandate_choices(province_code: str) -> dict[str, Any]:
    offices = (
        db.session.execute(
            sa.select(Office)
            .where(Office.province_code == province_code, Office.kind.in_(SIGNER_OFFICES))
            .order_by(Office.region_id.is_not(None), Office.region_id, Office.kind)
        )
        .scalars()
        .all()
    )
    users = (
        db.session.execute(
            sa.select(User)
            .where(User.role == Role.OFFICIAL, User.active.is_(True))
            .order_by(User.display_name)
        )
        .scalars()
        .all()
    )
    event_list = (
        db.session.execute(
            sa.select(Event).where(Event.province_code == province_code).order_by(Event.date.desc())
        )
        .scalars()
        .all()
    )
    return {
        "offices": offices,
        "users": users,
        "events": event_list,
    }


@bp.get("/mandat")
@role_required(*STAFF)
def mandates():  # type: ignore[no-untyped-def]
    return _mandates_page(request.args)


def _mandates_page(form: Any, field_errors: dict[str, str] | None = None) -> str:
    """The mandates page; after a refused form, with what was entered and each field's problem."""
    province_code = request.args.get("provinsi") or current_app.config.get("PROVINCE_CODE", "62")
    rows = (
        db.session.execute(
            sa.select(Mandate)
            .options(
                selectinload(Mandate.principal_office),
                selectinload(Mandate.deputy_office),
                selectinload(Mandate.deputy),
            )
            .order_by(Mandate.revoked_at.is_not(None), Mandate.valid_from.desc(), Mandate.id)
        )
        .scalars()
        .all()
    )
    used = set(
        db.session.execute(
            sa.select(Act.mandate_id).where(Act.mandate_id.is_not(None)).distinct()
        ).scalars()
    )
    from signing.workflow.rules import today_wib

    return render_template(
        "secretariat/mandates.html",
        mandates=rows,
        used=used,
        kinds=MANDATE_WORDS,
        today=today_wib(),
        form=form,
        field_errors=field_errors or {},
        **_mandate_choices(province_code),
    )


def _optional_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        abort(400)


def _date_field(name: str, label: str, errors: list[str], *, required: bool) -> dt.date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        if required:
            errors.append(gettext("%(label)s wajib diisi.", label=label))
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(
            gettext("%(label)s '%(raw)s' tidak sah (format TTTT-BB-HH).", label=label, raw=raw)
        )
        return None


@bp.post("/mandat")
@role_required(*STAFF)
def mandate_create():  # type: ignore[no-untyped-def]
    from signing.workflow.operations import WorkflowRefused, mandate_warning, record_mandate

    errors: list[str] = []
    #: The first problem of each field, shown beside it; the form is answered again with the
    #: values entered (no redirect that would drop them).
    field_errors: dict[str, str] = {}

    def problem(field: str, message: str) -> None:
        errors.append(message)
        field_errors.setdefault(field, message)

    try:
        kind = MandateKind(request.form.get("kind", ""))
    except ValueError:
        problem("kind", gettext("Pilih jenis mandat (Plt., Plh. atau a.n.)."))
        kind = None
    principal = db.session.get(Office, _optional_int("principal_office_id") or 0)
    if principal is None:
        problem("principal_office_id", gettext("Pilih jabatan yang diwakili."))
    deputy = db.session.get(User, _optional_int("deputy_user_id") or 0)
    if deputy is None:
        problem("deputy_user_id", gettext("Pilih akun pejabat yang menerima mandat."))
    letter_number = " ".join((request.form.get("letter_number") or "").split())
    if not letter_number:
        problem("letter_number", gettext("Nomor surat mandat wajib diisi."))
    dates: dict[str, dt.date | None] = {}
    for name, label, required in (
        ("letter_date", gettext("Tanggal surat"), True),
        ("valid_from", gettext("Berlaku mulai"), True),
        ("valid_until", gettext("Berlaku sampai"), False),
    ):
        before = len(errors)
        dates[name] = _date_field(name, label, errors, required=required)
        if len(errors) > before:
            field_errors.setdefault(name, errors[-1])
    letter_date, valid_from, valid_until = (
        dates["letter_date"],
        dates["valid_from"],
        dates["valid_until"],
    )
    if valid_from and valid_until and valid_until < valid_from:
        problem("valid_until", gettext("Tanggal akhir berlaku sebelum tanggal mulai."))
    event_id = _optional_int("event_id")
    event = db.session.get(Event, event_id) if event_id else None
    if event_id and event is None:
        problem("event_id", gettext("Acara tidak dikenal."))
    if errors:
        _flash_errors(errors)
        return _mandates_page(request.form, field_errors), 422
    try:
        warning = mandate_warning(
            db.session, principal_office=principal, deputy_user=deputy, kind=kind
        )
        mandate = record_mandate(
            db.session,
            kind=kind,
            principal_office=principal,
            deputy_user=deputy,
            letter_number=letter_number,
            letter_date=letter_date,
            valid_from=valid_from,
            valid_until=valid_until,
            event=event,
            actor=current_user,
        )
    except WorkflowRefused as error:
        db.session.rollback()
        flash(error.text(), "error")
        return redirect(url_for(".mandates"))
    db.session.commit()
    flash(gettext("Mandat %(kind)s dicatat.", kind=MANDATE_WORDS[mandate.kind]), "success")
    if warning:
        flash(warning, "warning")
    return redirect(url_for(".mandates"))


@bp.post("/mandat/<int:mandate_id>/cabut")
@role_required(*STAFF)
def mandate_revoke(mandate_id: int):  # type: ignore[no-untyped-def]
    from signing.workflow.operations import WorkflowRefused, revoke_mandate

    mandate = db.session.get(Mandate, mandate_id)
    if mandate is None:
        abort(404)
    reason = " ".join((request.form.get("reason") or "").split()) or None
    try:
        revoke_mandate(db.session, mandate, actor=current_user, reason=reason)
    except WorkflowRefused as error:
        db.session.rollback()
        flash(error.text(), "error")
        return redirect(url_for(".mandates"))
    db.session.commit()
    flash(gettext("Mandat dicabut."), "success")
    return redirect(url_for(".mandates"))


# --- Korsupgah / MCP --------------------------------------------------------------------------


def _province_code() -> str:
    code = request.values.get("provinsi") or current_app.config.get("PROVINCE_CODE", "62")
    if db.session.get(Province, code) is None:
        first = db.session.execute(sa.select(Province.code).order_by(Province.code)).scalar()
        if first is None:
            abort(404)
        return first
    return code


@bp.get("/mcp", endpoint="mcp")
@role_required(*STAFF)
def mcp_view():  # type: ignore[no-untyped-def]
    province_code = _province_code()
    schemes = mcp.load_schemes(db.session)
    progress = mcp.province_progress(db.session, province_code, schemes=schemes)
    periods = mcp.periods_of(progress)
    period = request.args.get("periode") or (periods[-1] if periods else None)
    provinces = db.session.execute(sa.select(Province).order_by(Province.code)).scalars().all()
    charts = {target.code: mcp.chart_svg(target, schemes) for target in progress}
    return render_template(
        "secretariat/mcp.html",
        province_code=province_code,
        provinces=provinces,
        progress=progress,
        periods=periods,
        period=period,
        scheme=mcp.scheme_for_period(schemes, period) if period else None,
        schemes=schemes,
        charts=charts,
        ptsp_counts=mcp.zone_counts(progress, period, "ptsp") if period else [],
        delegation_counts=mcp.zone_counts(progress, period, "delegation") if period else [],
        demo_suffix=mcp.DEMO_PERIOD_SUFFIX,
        default_period=mcp.today_period(),
        columns=",".join(mcp.IMPORT_COLUMNS),
    )


@bp.post("/mcp/nilai")
@role_required(*STAFF)
def mcp_score():  # type: ignore[no-untyped-def]
    province_code = _province_code()
    try:
        score = mcp.record_score(
            db.session,
            code=request.form.get("kode_wilayah", ""),
            period=request.form.get("periode", ""),
            ptsp=request.form.get("ptsp"),
            delegation=request.form.get("pendelegasian"),
            actor=current_user,
        )
    except mcp.McpError as error:
        db.session.rollback()
        _flash_errors(error.errors)
        return redirect(url_for(".mcp", provinsi=province_code))
    db.session.commit()
    flash(gettext("Nilai MCP disimpan."), "success")
    return redirect(url_for(".mcp", provinsi=province_code, periode=score.period))


@bp.post("/mcp/impor")
@role_required(*STAFF)
def mcp_import():  # type: ignore[no-untyped-def]
    province_code = _province_code()
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        flash(gettext("Pilih berkas CSV untuk diimpor."), "error")
        return redirect(url_for(".mcp", provinsi=province_code))
    try:
        report = mcp.import_scores_csv(db.session, upload.read(), actor=current_user)
    except mcp.McpError as error:
        db.session.rollback()
        flash(
            gettext(
                "Impor dibatalkan, tidak ada data yang diubah (%(count)s kesalahan):",
                count=len(error.errors),
            ),
            "error",
        )
        _flash_errors(error.errors)
        return redirect(url_for(".mcp", provinsi=province_code))
    db.session.commit()
    flash(
        gettext(
            "Impor selesai: %(rows)s baris (%(created)s baru, %(updated)s diperbarui).",
            rows=report.rows,
            created=report.created,
            updated=report.updated,
        ),
        "success",
    )
    return redirect(url_for(".mcp", provinsi=province_code))


@bp.get("/mcp/skema")
@role_required(*STAFF)
def mcp_schemes():  # type: ignore[no-untyped-def]
    return render_template(
        "secretariat/schemes.html",
        schemes=list(reversed(mcp.load_schemes(db.session))),
        form=request.args,
    )


@bp.post("/mcp/skema")
@role_required(*STAFF)
def mcp_scheme_create():  # type: ignore[no-untyped-def]
    try:
        mcp.create_scheme(
            db.session,
            name=request.form.get("name", ""),
            valid_from_period=request.form.get("valid_from_period", ""),
            bands_text=request.form.get("bands", ""),
            actor=current_user,
        )
    except mcp.McpError as error:
        db.session.rollback()
        _flash_errors(error.errors)
        return redirect(url_for(".mcp_schemes"))
    db.session.commit()
    flash(gettext("Skema zona disimpan."), "success")
    return redirect(url_for(".mcp_schemes"))


@bp.post("/mcp/skema/bawaan")
@role_required(*STAFF)
def mcp_seed_schemes():  # type: ignore[no-untyped-def]
    created = mcp.ensure_default_schemes(db.session, actor=current_user)
    db.session.commit()
    flash(
        gettext("%(count)s skema bawaan ditambahkan.", count=created)
        if created
        else gettext("Skema bawaan sudah ada."),
        "info",
    )
    return redirect(url_for(".mcp_schemes"))
