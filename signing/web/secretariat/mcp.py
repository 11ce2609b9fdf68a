"""Korsupgah / MCP: the progress page, entering or importing scores, the zone schemes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from signing import db
from signing.models import Province
from signing.secretariat import mcp
from signing.web.access import role_required
from signing.web.secretariat.blueprint import STAFF, bp, province_code
from signing.web.unit import UnitOfWork, problem_lines


@bp.get("/mcp", endpoint="mcp")
@role_required(*STAFF)
def mcp_view():  # type: ignore[no-untyped-def]
    code = province_code()
    schemes = mcp.load_schemes(db.session)
    progress = mcp.province_progress(db.session, code, schemes=schemes)
    periods = mcp.periods_of(progress)
    period = request.args.get("periode") or (periods[-1] if periods else None)
    provinces = db.session.execute(sa.select(Province).order_by(Province.code)).scalars().all()
    return render_template(
        "secretariat/mcp.html",
        province_code=code,
        provinces=provinces,
        progress=progress,
        periods=periods,
        period=period,
        scheme=mcp.scheme_for_period(schemes, period) if period else None,
        schemes=schemes,
        charts={target.code: mcp.chart_svg(target, schemes) for target in progress},
        ptsp_counts=mcp.zone_counts(progress, period, "ptsp") if period else [],
        delegation_counts=mcp.zone_counts(progress, period, "delegation") if period else [],
        demo_suffix=mcp.DEMO_PERIOD_SUFFIX,
        default_period=mcp.today_period(),
        columns=",".join(mcp.IMPORT_COLUMNS),
    )


@bp.post("/mcp/nilai")
@role_required(*STAFF)
def mcp_score():  # type: ignore[no-untyped-def]
    code = province_code()
    with UnitOfWork(mcp.McpError) as work:
        score = mcp.record_score(
            db.session,
            code=request.form.get("kode_wilayah", ""),
            period=request.form.get("periode", ""),
            ptsp=request.form.get("ptsp"),
            delegation=request.form.get("pendelegasian"),
            actor=current_user,
        )
    if work.refused:
        return redirect(url_for(".mcp", provinsi=code))
    flash(gettext("Nilai MCP disimpan."), "success")
    return redirect(url_for(".mcp", provinsi=code, periode=score.period))


def _import_refused(error: Exception) -> list[str]:
    errors = getattr(error, "problems", [])
    intro = gettext(
        "Impor dibatalkan, tidak ada data yang diubah (%(count)s kesalahan):", count=len(errors)
    )
    return [intro, *problem_lines(errors)]


@bp.post("/mcp/impor")
@role_required(*STAFF)
def mcp_import():  # type: ignore[no-untyped-def]
    code = province_code()
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        flash(gettext("Pilih berkas CSV untuk diimpor."), "error")
        return redirect(url_for(".mcp", provinsi=code))
    with UnitOfWork(mcp.McpError, explain=_import_refused) as work:
        report = mcp.import_scores_csv(db.session, upload.read(), actor=current_user)
    if not work.refused:
        flash(
            gettext(
                "Impor selesai: %(rows)s baris (%(created)s baru, %(updated)s diperbarui).",
                rows=report.rows,
                created=report.created,
                updated=report.updated,
            ),
            "success",
        )
    return redirect(url_for(".mcp", provinsi=code))


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
    with UnitOfWork(mcp.McpError) as work:
        mcp.create_scheme(
            db.session,
            name=request.form.get("name", ""),
            valid_from_period=request.form.get("valid_from_period", ""),
            bands_text=request.form.get("bands", ""),
            actor=current_user,
        )
    if not work.refused:
        flash(gettext("Skema zona disimpan."), "success")
    return redirect(url_for(".mcp_schemes"))


@bp.post("/mcp/skema/bawaan")
@role_required(*STAFF)
def mcp_seed_schemes():  # type: ignore[no-untyped-def]
    with UnitOfWork(mcp.McpError) as work:
        created = mcp.ensure_default_schemes(db.session, actor=current_user)
    if work.refused:
        return redirect(url_for(".mcp_schemes"))
    flash(
        gettext("%(count)s skema bawaan ditambahkan.", count=created)
        if created
        else gettext("Skema bawaan sudah ada."),
        "info",
    )
    return redirect(url_for(".mcp_schemes"))
