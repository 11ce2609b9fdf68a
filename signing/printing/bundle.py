"""The event bundle: every commitment of an event in one print-ready PDF.

Cover page, contents (with the bundle page where each document starts), then for each
Kabupaten/Kota its signed document (widgets flattened so the marks print) followed by its
verification sheet. Every page carries a small bundle page number at the top right, which is
what the contents refer to (the documents keep their own "Halaman x dari y").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from signing.commitments.storage import current_pdf
from signing.dates import day_text
from signing.documents.content import format_hari_tanggal
from signing.documents.sheets import (
    BundleCover,
    BundleEntry,
    render_bundle_front,
    render_verification_sheet,
)
from signing.verification.labels import format_wib
from signing.workflow.status import CommitmentState

from .copy import verification_sheet
from .pages import Part, merge, page_count
from .report import event_with_overview

__all__ = ["Bundle", "BundleProgress", "event_bundle"]

#: ``progress(done, total, label)`` after each commitment is prepared.
BundleProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    cover: BundleCover
    page_count: int
    #: (region name, first page, last page) of every printed commitment.
    documents: tuple[tuple[str, int, int], ...]


def event_bundle(
    db_session: Session,
    event_id: int,
    *,
    with_sheets: bool = True,
    progress: BundleProgress | None = None,
    now: dt.datetime | None = None,
) -> Bundle:
    """Build the bundle of ``event_id``. Needs an application context (config, base URL).

    Commitments not generated yet, or voided, are listed in the contents but not printed.

    :raises LookupError: no such event.
    """
    event, overview = event_with_overview(db_session, event_id)
    now = now or dt.datetime.now(dt.UTC)
    documents: list[tuple[int, list[Part], str]] = []
    pending_entries: list[dict] = []
    total = len(overview)
    for k, (commitment, status) in enumerate(overview, start=1):
        entry = {
            "number": k,
            "region_label": commitment.region.name,
            "document_number": commitment.number,
            "document_code": commitment.code,
            "status_label": status.state.label,
        }
        if commitment.current_sha256 is None:
            entry["note"] = "Belum diterbitkan"
        elif status.state is CommitmentState.VOID:
            entry["note"] = "Dibatalkan"
        else:
            original = current_pdf(db_session, commitment)
            parts = [Part(original, flatten=True)]
            pages = page_count(original)
            if with_sheets:
                sheet = render_verification_sheet(
                    verification_sheet(db_session, commitment, original, now=now)
                )
                parts.append(Part(sheet))
                pages += page_count(sheet)
            documents.append((len(pending_entries), parts, commitment.region.name))
            entry["page_count"] = pages
        pending_entries.append(entry)
        if progress is not None:
            progress(k, total, commitment.region.name)

    counts: dict[str, int] = {}
    for _commitment, status in overview:
        counts[status.state.label] = counts.get(status.state.label, 0) + 1
    body_pages = sum(e.get("page_count", 0) for e in pending_entries)

    def front(front_pages: int) -> tuple[bytes, BundleCover]:
        page = front_pages + 1
        entries = []
        for entry in pending_entries:
            first = None
            if "page_count" in entry:
                first = page
                page += entry["page_count"]
            entries.append(BundleEntry(first_page=first, **entry))
        cover = BundleCover(
            event_name=event.name,
            event_date_label=format_hari_tanggal(event.date),
            event_place=event.place,
            institution=current_app.config["INSTITUTION"],
            province_name=event.province.name,
            entries=tuple(entries),
            printed_at_wib=format_wib(now),
            total_pages=front_pages + body_pages,
            with_sheets=with_sheets,
            totals=tuple(sorted(counts.items())),
        )
        return render_bundle_front(cover), cover

    # The contents name page numbers, which depend on how many pages the front itself takes.
    front_pages = 2
    for _attempt in range(4):
        front_pdf, cover = front(front_pages)
        actual = page_count(front_pdf)
        if actual == front_pages:
            break
        front_pages = actual

    parts = [Part(front_pdf)] + [
        part for _index, doc_parts, _name in documents for part in doc_parts
    ]
    total_pages = front_pages + body_pages
    labels = [
        f"Bundel komitmen PTSP Prima {day_text(event.date, 'id')} - hlm. {k}/{total_pages}"
        for k in range(1, total_pages + 1)
    ]
    pdf = merge(parts, labels=labels)
    placed = tuple(
        (e.region_label, e.first_page, e.first_page + e.page_count - 1)
        for e in cover.entries
        if e.first_page is not None
    )
    return Bundle(pdf=pdf, cover=cover, page_count=total_pages, documents=placed)
