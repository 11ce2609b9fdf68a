"""One commitment as the secretariat sees it: its page, its PDF and page images, voiding it."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from signing import db
from signing.commitments.errors import DocumentNotGenerated, GenerationError, StorageError
from signing.commitments.storage import current_pdf
from signing.documents.preview import page_count, page_png
from signing.models import Act, AuditEntry, Commitment, Revision
from signing.pki.errors import PkiError
from signing.secretariat import words
from signing.web.access import role_required
from signing.web.documents import pdf_response
from signing.web.secretariat.blueprint import STAFF, bp, commitment_or_404
from signing.web.unit import UnitOfWork, refusal_lines
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import commitment_status
from signing.workflow.voiding import void_commitment


def _rows(statement: sa.Select) -> list:
    return list(db.session.execute(statement).scalars())


@bp.get("/komitmen/<int:commitment_id>")
@role_required(*STAFF)
def commitment(commitment_id: int):  # type: ignore[no-untyped-def]
    item = commitment_or_404(commitment_id)
    pages = 0
    pdf_error = None
    if item.current_sha256:
        try:
            pages = page_count(current_pdf(db.session, item))
        except StorageError as error:
            pdf_error = str(error)
    return render_template(
        "secretariat/commitment.html",
        item=item,
        event=item.event,
        status=commitment_status(item),
        versions=_rows(
            sa.select(Commitment)
            .where(Commitment.event_id == item.event_id, Commitment.region_id == item.region_id)
            .order_by(Commitment.version)
        ),
        timeline=_rows(
            sa.select(AuditEntry).where(AuditEntry.commitment_id == item.id).order_by(AuditEntry.id)
        ),
        mandate_acts=_rows(
            sa.select(Act)
            .where(Act.commitment_id == item.id, Act.mandate_id.is_not(None))
            .options(selectinload(Act.mandate))
            .order_by(Act.id)
        ),
        revisions=_rows(
            sa.select(Revision).where(Revision.commitment_id == item.id).order_by(Revision.sequence)
        ),
        pages=pages,
        pdf_error=pdf_error,
        acts={act.id: act for act in item.acts},
        labels=words.COLUMN_LABELS,
        slots=words.MATRIX_SLOTS,
        state_word=words.state_word,
        actor_line=words.actor_line,
        commitment_words=words.COMMITMENT_WORDS,
        commitment_classes=words.COMMITMENT_CLASSES,
        audit_words=words.AUDIT_WORDS,
    )


def _pdf_of(item: Commitment) -> bytes:
    try:
        return current_pdf(db.session, item)
    except DocumentNotGenerated:
        abort(404)
    # BlobCorrupted: the app's handler says the stored file is damaged (signing.web.errors).


@bp.get("/komitmen/<int:commitment_id>/dokumen.pdf")
@role_required(*STAFF)
def commitment_pdf(commitment_id: int):  # type: ignore[no-untyped-def]
    item = commitment_or_404(commitment_id)
    return pdf_response(_pdf_of(item), item.number, inline=bool(request.args.get("lihat")))


@bp.get("/komitmen/<int:commitment_id>/halaman/<int:page>.png")
@role_required(*STAFF)
def commitment_page(commitment_id: int, page: int):  # type: ignore[no-untyped-def]
    item = commitment_or_404(commitment_id)
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


def _void_refused(error: Exception) -> list[str]:
    if isinstance(error, WorkflowRefused):
        return refusal_lines(error)
    # The void and the new version are one transaction: neither happens.
    return [
        gettext("Dokumen tidak dibatalkan: versi baru tidak dapat dibuat (%(error)s).", error=error)
    ]


@bp.post("/komitmen/<int:commitment_id>/batalkan")
@role_required(*STAFF)
def void(commitment_id: int):  # type: ignore[no-untyped-def]
    item = commitment_or_404(commitment_id)
    reason = " ".join(request.form.get("reason", "").split())
    if not reason:
        flash(gettext("Alasan pembatalan wajib diisi."), "error")
        return redirect(url_for(".commitment", commitment_id=item.id, _anchor="batal"))
    reissue = request.form.get("reissue", "1") == "1"
    with UnitOfWork(WorkflowRefused, GenerationError, PkiError, explain=_void_refused) as work:
        result = void_commitment(db.session, item, reason, actor=current_user, reissue=reissue)
    if work.refused:
        return redirect(url_for(".commitment", commitment_id=item.id))
    flash(gettext("Dokumen %(number)s dibatalkan.", number=item.number), "success")
    replacement = result if isinstance(result, Commitment) and result.id != item.id else None
    if replacement is not None:
        flash(gettext("Versi baru %(number)s diterbitkan.", number=replacement.number), "success")
        return redirect(url_for(".commitment", commitment_id=replacement.id))
    return redirect(url_for(".commitment", commitment_id=item.id))
