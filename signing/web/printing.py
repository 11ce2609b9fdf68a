"""The secretariat's printing downloads (blueprint ``printing``, secretariat and administrators):
the signed PDF (original bytes), the print copy with its verification sheet, the event bundle and
the status report. Every printed or downloaded copy is on record: who took which bytes, when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from signing import audit, db
from signing.commitments.errors import DocumentNotGenerated
from signing.commitments.storage import current_pdf
from signing.models import Commitment, Event, Role
from signing.printing.bundle import event_bundle
from signing.printing.copy import load_commitment, record_print_copy
from signing.printing.copy import print_copy as make_copy
from signing.printing.report import status_report
from signing.web.access import found_or_404, role_required
from signing.web.documents import pdf_response
from signing.web.unit import committed
from signing.workflow.status import event_overview

bp = Blueprint("printing", __name__, url_prefix="/cetak")

STAFF = (Role.SECRETARIAT, Role.ADMIN)
T = TypeVar("T")


def _audit_print(
    action: str,
    *,
    commitment: Commitment | None = None,
    event_id: int | None = None,
    sha256: str | None = None,
) -> None:
    with committed():
        audit.record(
            db.session,
            action,
            actor=current_user._get_current_object(),
            object_type="commitment" if commitment is not None else "event",
            object_id=commitment.id if commitment is not None else event_id,
            commitment_id=commitment.id if commitment is not None else None,
            sha256_after=sha256,
        )


def _generated(make: Callable[[], T]) -> T:
    """What ``make`` builds from a commitment's document, or 404 while it has none."""
    try:
        return make()
    except DocumentNotGenerated:
        abort(404)


def _commitment_or_404(commitment_id: int) -> Commitment:
    commitment = load_commitment(db.session, commitment_id)
    if commitment is None:
        abort(404)
    return commitment


@bp.get("/acara/<int:event_id>")
@role_required(*STAFF)
def event(event_id: int):  # type: ignore[no-untyped-def]
    item = found_or_404(db.session, Event, event_id)
    return render_template(
        "printing/event.html", event=item, overview=event_overview(db.session, event_id)
    )


@bp.get("/komitmen/<int:commitment_id>/asli.pdf")
@role_required(*STAFF)
def signed_pdf(commitment_id: int):  # type: ignore[no-untyped-def]
    """The signed PDF exactly as stored: signatures intact, marks flagged to print."""
    commitment = _commitment_or_404(commitment_id)
    data = _generated(lambda: current_pdf(db.session, commitment))
    _audit_print("print.signed_pdf", commitment=commitment, sha256=commitment.current_sha256)
    return pdf_response(data, commitment.number, private=True)


@bp.get("/komitmen/<int:commitment_id>/salinan.pdf")
@role_required(*STAFF)
def print_copy(commitment_id: int):  # type: ignore[no-untyped-def]
    commitment = _commitment_or_404(commitment_id)
    copy = _generated(lambda: make_copy(db.session, commitment))
    with committed():
        record_print_copy(db.session, commitment, copy, actor=current_user._get_current_object())
    return pdf_response(copy.pdf, f"SALINAN-{commitment.number}", private=True)


@bp.get("/acara/<int:event_id>/bundel.pdf")
@role_required(*STAFF)
def bundle(event_id: int):  # type: ignore[no-untyped-def]
    item = found_or_404(db.session, Event, event_id)
    result = event_bundle(db.session, event_id, with_sheets=request.args.get("lembar") != "0")
    _audit_print("print.bundle", event_id=event_id)
    return pdf_response(result.pdf, f"bundel-komitmen-{item.date:%Y%m%d}", private=True)


@bp.get("/acara/<int:event_id>/rekapitulasi.pdf")
@role_required(*STAFF)
def report(event_id: int):  # type: ignore[no-untyped-def]
    item = found_or_404(db.session, Event, event_id)
    result = status_report(db.session, event_id)
    _audit_print("print.report", event_id=event_id)
    return pdf_response(result.pdf, f"rekapitulasi-{item.date:%Y%m%d}", private=True)
