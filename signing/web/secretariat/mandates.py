"""Mandates (Plt., Plh., a.n.): the list, recording a mandate letter, revoking one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from signing import db
from signing.models import Act, Event, Mandate, MandateKind, Office, Role, User
from signing.web.access import found_or_404, role_required
from signing.web.secretariat.blueprint import STAFF, bp
from signing.web.unit import UnitOfWork, problem_lines
from signing.workflow.mandates import mandate_warning, record_mandate, revoke_mandate
from signing.workflow.rules import SLOT_OFFICE_KINDS, today_wib

MANDATE_WORDS = {
    MandateKind.PLT: "Plt. (Pelaksana Tugas)",
    MandateKind.PLH: "Plh. (Pelaksana Harian)",
    MandateKind.AN: "a.n. (atas nama)",
}


def _all(statement: sa.Select) -> list:
    return list(db.session.execute(statement).scalars())


def _mandate_choices(province_code: str) -> dict[str, Any]:
    return {
        "offices": _all(
            sa.select(Office)
            .where(Office.province_code == province_code, Office.kind.in_(SLOT_OFFICE_KINDS))
            .order_by(Office.region_id.is_not(None), Office.region_id, Office.kind)
        ),
        "users": _all(
            sa.select(User)
            .where(User.role == Role.OFFICIAL, User.active.is_(True))
            .order_by(User.display_name)
        ),
        "events": _all(
            sa.select(Event).where(Event.province_code == province_code).order_by(Event.date.desc())
        ),
    }


@bp.get("/mandat")
@role_required(*STAFF)
def mandates():  # type: ignore[no-untyped-def]
    return _mandates_page(request.args)


def _mandates_page(form: Any, field_errors: dict[str, str] | None = None) -> str:
    """The mandates page; after a refused form, with what was entered and each field's problem."""
    province_code = request.args.get("provinsi") or current_app.config.get("PROVINCE_CODE", "62")
    rows = _all(
        sa.select(Mandate)
        .options(
            selectinload(Mandate.principal_office),
            selectinload(Mandate.deputy_office),
            selectinload(Mandate.deputy),
        )
        .order_by(Mandate.revoked_at.is_not(None), Mandate.valid_from.desc(), Mandate.id)
    )
    used = set(
        db.session.execute(
            sa.select(Act.mandate_id).where(Act.mandate_id.is_not(None)).distinct()
        ).scalars()
    )
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
    if dates["valid_from"] and dates["valid_until"] and dates["valid_until"] < dates["valid_from"]:
        problem("valid_until", gettext("Tanggal akhir berlaku sebelum tanggal mulai."))
    event_id = _optional_int("event_id")
    event = db.session.get(Event, event_id) if event_id else None
    if event_id and event is None:
        problem("event_id", gettext("Acara tidak dikenal."))
    if errors:
        for line in problem_lines(errors):
            flash(line, "error")
        return _mandates_page(request.form, field_errors), 422
    with UnitOfWork() as work:
        warning = mandate_warning(
            db.session, principal_office=principal, deputy_user=deputy, kind=kind
        )
        mandate = record_mandate(
            db.session,
            kind=kind,
            principal_office=principal,
            deputy_user=deputy,
            letter_number=letter_number,
            letter_date=dates["letter_date"],
            valid_from=dates["valid_from"],
            valid_until=dates["valid_until"],
            event=event,
            actor=current_user,
        )
    if not work.refused:
        flash(gettext("Mandat %(kind)s dicatat.", kind=MANDATE_WORDS[mandate.kind]), "success")
        if warning:
            flash(warning, "warning")
    return redirect(url_for(".mandates"))


@bp.post("/mandat/<int:mandate_id>/cabut")
@role_required(*STAFF)
def mandate_revoke(mandate_id: int):  # type: ignore[no-untyped-def]
    mandate = found_or_404(db.session, Mandate, mandate_id)
    reason = " ".join((request.form.get("reason") or "").split()) or None
    with UnitOfWork() as work:
        revoke_mandate(db.session, mandate, actor=current_user, reason=reason)
    if not work.refused:
        flash(gettext("Mandat dicabut."), "success")
    return redirect(url_for(".mandates"))
