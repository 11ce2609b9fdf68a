"""Events: the list, a new event, its preparation (text, routing) and generating its documents."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from signing import db
from signing.commitments.errors import GenerationRefused
from signing.commitments.generation import update_event_text
from signing.models import Commitment, Event, Province
from signing.models.commitments import PARTY_SLOTS
from signing.pki.errors import PkiError
from signing.secretariat import batches, words
from signing.secretariat import events as event_ops
from signing.web.access import role_required
from signing.web.secretariat.blueprint import STAFF, bp, event_or_404, wants_json
from signing.web.unit import UnitOfWork


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


def _modes() -> dict[str, Any]:
    """The choices of the routing form (new event and preparation)."""
    return {
        "routing_modes": event_ops.ROUTING_MODES,
        "witness_modes": event_ops.WITNESS_MODES,
        "advance_modes": event_ops.ADVANCE_MODES,
        "party_roles": [(role.value, words.COLUMN_LABELS[role]) for role in PARTY_SLOTS],
    }


@bp.route("/acara/baru", methods=["GET", "POST"])
@role_required(*STAFF)
def event_new():  # type: ignore[no-untyped-def]
    provinces = db.session.execute(sa.select(Province).order_by(Province.code)).scalars().all()
    form = request.form if request.method == "POST" else {}
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        with UnitOfWork(event_ops.EventRefused) as work:
            event = event_ops.create_event(
                db.session,
                name=request.form.get("name", ""),
                date=request.form.get("date", ""),
                place=request.form.get("place", ""),
                province_code=request.form.get("province_code", ""),
                number_prefix=request.form.get("number_prefix", ""),
                routing_policy=event_ops.routing_from_form(request.form),
                actor=current_user,
            )
        if not work.refused:
            flash(gettext("Acara dibuat. Periksa kesiapan lalu buat dokumennya."), "success")
            return redirect(url_for(".prepare", event_id=event.id))
        field_errors = _event_field_errors(work.refusal.errors)  # type: ignore[union-attr]
    return render_template(
        "secretariat/event_new.html",
        provinces=provinces,
        form=form,
        default_province=current_app.config.get("PROVINCE_CODE", "62"),
        policy={},
        field_errors=field_errors,
        **_modes(),
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
    event = event_or_404(event_id)
    policy = dict(event.routing_policy or {})
    return render_template(
        "secretariat/prepare.html",
        event=event,
        readiness=event_ops.readiness(db.session, event),
        locked=event_ops.event_has_acts(db.session, event),
        policy=policy,
        numbers=_policy_numbers(policy),
        routing_text=event_ops.describe_routing(policy),
        batch_size=batches.DEFAULT_BATCH,
        **_modes(),
    )


def _lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


@bp.post("/acara/<int:event_id>/teks")
@role_required(*STAFF)
def update_text(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    back = url_for(".prepare", event_id=event.id, _anchor="teks")
    with UnitOfWork(GenerationRefused) as work:
        stale = update_event_text(
            db.session,
            event,
            _lines("legal_bases"),
            _lines("considerations"),
            _lines("points"),
            actor=current_user,
        )
    if work.refused:
        return redirect(back)
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
    return redirect(back)


@bp.post("/acara/<int:event_id>/urutan")
@role_required(*STAFF)
def update_routing(event_id: int):  # type: ignore[no-untyped-def]
    event = event_or_404(event_id)
    with UnitOfWork(event_ops.EventRefused) as work:
        policy = event_ops.routing_from_form(request.form)
        event_ops.set_routing(db.session, event, policy, actor=current_user)
    if not work.refused:
        flash(gettext("Urutan penandatanganan disimpan."), "success")
    return redirect(url_for(".prepare", event_id=event.id, _anchor="urutan"))


def _not_generated(error: Exception) -> list[str]:
    return [gettext("Dokumen tidak dapat dibuat: %(error)s", error=error)]


@bp.post("/acara/<int:event_id>/buat")
@role_required(*STAFF)
def generate(event_id: int):  # type: ignore[no-untyped-def]
    """One batch (JavaScript progress bar) or, with ``size=0``, everything in one request."""
    event = event_or_404(event_id)
    mode = request.form.get("mode", "generate")
    if mode not in batches.MODES:
        abort(400)
    try:
        size = int(request.form.get("size", "0"))
    except ValueError:
        abort(400)
    after = request.form.get("after") or None
    json = wants_json()
    back = url_for(".prepare", event_id=event.id, _anchor="buat")
    with UnitOfWork(PkiError, explain=_not_generated, flash_as=None if json else "error") as work:
        result = batches.run_batch(
            db.session, event, actor=current_user, after=after, size=size, mode=mode
        )
    if work.refused:
        return (jsonify({"error": work.message}), 409) if json else redirect(back)
    if json:
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
    return redirect(back)
