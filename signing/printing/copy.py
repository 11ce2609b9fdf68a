"""The print copy ("Salinan") of a commitment: the signed document plus a verification sheet.

Appending a page to a signed PDF changes the file, so a print copy's signatures can no longer
be verified electronically: the copy is a separate document for paper archives, and its sheet
says so. What links paper to the original is the SHA-256 printed on the sheet and the
verification URL (with its QR code): whoever holds the paper can find and check the original.

The copy ends with a comment line naming the original (code, SHA-256), and every copy handed out
is audited with the SHA-256 of its own bytes (:func:`record_print_copy`): uploaded for checking,
the copy is then recognised as ours (:mod:`signing.verification.print_copies`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments import loading
from signing.commitments.storage import current_pdf
from signing.documents.content import format_tanggal
from signing.documents.sheets import SheetAct, VerificationSheet, render_verification_sheet
from signing.models import ActKind, Commitment
from signing.verification.labels import capacity_label, format_wib
from signing.verification.print_copies import COPY_SHA256, PRINT_COPY_ACTION, marker_line
from signing.workflow.status import commitment_status

from .pages import Part, merge, page_count

__all__ = [
    "PrintCopy",
    "load_commitment",
    "print_copy",
    "record_print_copy",
    "verification_sheet",
    "verification_url",
]


def verification_url(commitment: Commitment) -> str:
    """``{BASE_URL}/v/{code}``: the URL in the document's own QR code."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/v/{commitment.code}"


def load_commitment(db_session: Session, commitment_id: int) -> Commitment | None:
    return loading.load_commitment(db_session, commitment_id=commitment_id)


def document_title(commitment: Commitment) -> str:
    return f"Komitmen Bersama Pembentukan dan Penyelenggaraan PTSP Prima {commitment.region.name}"


def event_label(commitment: Commitment) -> str:
    event = commitment.event
    return f"{event.name}, {event.place}, {format_tanggal(event.date)}"


def _sheet_acts(commitment: Commitment) -> list[SheetAct]:
    """Every act in the order it happened, then the newest document time stamp."""
    rows: list[tuple[dt.datetime, SheetAct]] = []
    for act in commitment.acts:
        kind = ActKind(act.kind)
        note = None
        if act.attests is not None:
            target = act.attests
            note = f"menyaksikan {ActKind(target.kind).label.lower()} {target.actor_name}"
        if kind is ActKind.DECLINE:
            note = "menolak menandatangani (tidak ada tanda tangan dalam dokumen)"
        rows.append(
            (
                act.created_at,
                SheetAct(
                    number=0,
                    kind_label={"decline": "Menolak"}.get(kind.value, kind.label),
                    name=act.actor_name,
                    office=act.actor_office_title,
                    capacity=None if kind is ActKind.SEAL else capacity_label(act.capacity),
                    slot_label=act.slot.role.label if act.slot is not None else None,
                    time_wib=format_wib(act.created_at),
                    note=note,
                ),
            )
        )
    # A document time stamp follows the seal and every act; the newest one covers them all,
    # so the sheet lists that one (a row per stamp would double the list).
    stamps = [r for r in commitment.revisions if r.label == "timestamp"]
    if stamps:
        revision = max(stamps, key=lambda r: r.sequence)
        rows.append(
            (
                revision.created_at,
                SheetAct(
                    number=0,
                    kind_label="Cap waktu dokumen",
                    name="Otoritas cap waktu (TSA) " + current_app.config["INSTITUTION"],
                    office=None,
                    capacity=None,
                    slot_label="Seluruh dokumen (PAdES B-LTA)",
                    time_wib=format_wib(revision.created_at),
                ),
            )
        )
    rows.sort(key=lambda item: item[0])
    return [
        SheetAct(**{**act.__dict__, "number": k}) for k, (_when, act) in enumerate(rows, start=1)
    ]


def _outstanding(commitment: Commitment) -> tuple[str, ...]:
    status = commitment_status(commitment)
    lines = []
    for slot in commitment.slots:
        state = status.slots[slot.role].state.value
        if state == "paraf_only":
            lines.append(
                f"{slot.role.label}: baru paraf, tanda tangan {slot.office.title} ditunggu"
            )
        elif state == "pending":
            verb = "kesaksian" if slot.role.is_witness else "tanda tangan"
            lines.append(f"{slot.role.label}: {verb} {slot.office.title} belum ada")
        elif state == "declined":
            lines.append(f"{slot.role.label}: menolak menandatangani")
    return tuple(lines)


def verification_sheet(
    db_session: Session, commitment: Commitment, pdf: bytes, *, now: dt.datetime | None = None
) -> VerificationSheet:
    """The data of the verification sheet for ``pdf`` (one of the commitment's revisions)."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    sequences = [r.sequence for r in commitment.revisions if r.sha256 == sha256]
    latest = max((r.sequence for r in commitment.revisions), default=0)
    if sequences:
        sequence = max(sequences)
        suffix = " (terbaru)" if sha256 == commitment.current_sha256 else " (bukan yang terbaru)"
        revision_label = f"Tahap penandatanganan ke-{sequence} dari {latest}{suffix}"
    else:
        revision_label = "Tidak tercatat sebagai tahap penandatanganan dokumen ini"
    status = commitment_status(commitment)
    pages = page_count(pdf)
    return VerificationSheet(
        document_title=document_title(commitment),
        document_number=commitment.number,
        document_code=commitment.code,
        region_label=commitment.region.name,
        event_label=event_label(commitment),
        sha256=sha256,
        file_size=len(pdf),
        revision_label=revision_label,
        status_label=status.state.label,
        verification_url=verification_url(commitment),
        acts=tuple(_sheet_acts(commitment)),
        printed_at_wib=format_wib(now or dt.datetime.now(dt.UTC)),
        institution=current_app.config["INSTITUTION"],
        original_pages=pages,
        outstanding=_outstanding(commitment),
        first_page_number=pages + 1,
    )


@dataclass(frozen=True)
class PrintCopy:
    pdf: bytes
    #: SHA-256 of the signed original the copy was made from (printed on the sheet).
    original_sha256: str
    original_pages: int
    sheet: VerificationSheet


def copy_parts(
    db_session: Session, commitment: Commitment, *, now: dt.datetime | None = None
) -> tuple[list[Part], list[str], VerificationSheet]:
    """The parts of a print copy and the label stamped at the top of each of its pages."""
    original = current_pdf(db_session, commitment)
    sheet = verification_sheet(db_session, commitment, original, now=now)
    sheet_pdf = render_verification_sheet(sheet)
    total = sheet.original_pages + page_count(sheet_pdf)
    labels = [
        f"SALINAN - {commitment.code} - SHA-256 {sheet.sha256[:16]}... - hlm. {k}/{total}"
        for k in range(1, total + 1)
    ]
    return [Part(original, flatten=True), Part(sheet_pdf)], labels, sheet


def print_copy(
    db_session: Session, commitment: Commitment, *, now: dt.datetime | None = None
) -> PrintCopy:
    """The print copy of the commitment's current revision.

    :raises DocumentNotGenerated: nothing generated yet.
    """
    parts, labels, sheet = copy_parts(db_session, commitment, now=now)
    pdf = merge(parts, labels=labels) + marker_line(commitment.code, sheet.sha256)
    return PrintCopy(pdf, sheet.sha256, sheet.original_pages, sheet)


def record_print_copy(
    db_session: Session, commitment: Commitment, copy: PrintCopy, *, actor: object
) -> None:
    """Put the handed-out copy on the audit log (flushed, not committed): who took it, when,
    and the SHA-256 of its bytes, by which an uploaded copy is recognised as ours."""
    audit.record_on_commitment(
        db_session,
        PRINT_COPY_ACTION,
        commitment,
        actor=actor,
        sha256_after=copy.original_sha256,
        details={COPY_SHA256: hashlib.sha256(copy.pdf).hexdigest()},
    )
