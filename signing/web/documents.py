"""A commitment's document as officials and the secretariat see it: page images and the PDF.

Only people with business on the document may open it, by the one read rule of
:mod:`signing.workflow.access` (docs/access.md): the secretariat and administrators, an official
who relates to one of its slots (holder, deputy standing in, holder of a recorded mandate) or who
has acted on it. Everyone else gets 403, anonymous users the login page. Both routes always serve
the *current* revision; the ``rev`` query parameter only busts browser caches.

The helpers here are shared by the inbox, the signing page and the signing desk: who relates to
which slot (:func:`related_slots`), and where a signature field sits on a page image
(:func:`document_geometry`, percentages for CSS so the highlight scales with the image).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, NoReturn

import pypdfium2 as pdfium
from flask import Blueprint, Response, abort, make_response, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import Session

from signing import db
from signing.commitments import loading
from signing.commitments.errors import DocumentNotGenerated
from signing.commitments.storage import current_pdf
from signing.dates import wib_text
from signing.documents.preview import page_png
from signing.extensions import login_manager
from signing.models import Capacity, Commitment, Mandate, SlotRole, User
from signing.pades.fields import list_signature_fields
from signing.web.errors import error_response
from signing.workflow.access import may_read
from signing.workflow.mandates import active_mandates
from signing.workflow.rules import capacities, today_wib

bp = Blueprint("documents", __name__, url_prefix="/dokumen")

#: Page images: 1.5 x 72 dpi = 108 dpi, sharp enough to read the text on a tablet.
PAGE_SCALE = 1.5


# ``24-10-2019 10.15 WIB``, ``–`` for nothing; ``signing_wib(false)``: the time alone.
bp.add_app_template_filter(wib_text, "signing_wib")


# ----------------------------------------------------------------------------- who may see


def load_commitment(db_session: Session, commitment_id: int) -> Commitment | None:
    """A commitment with everything the rules and the status need, in a few queries."""
    return loading.load_commitment(db_session, commitment_id=commitment_id)


def user_mandates(db_session: Session, user: User) -> list[Mandate]:
    return active_mandates(db_session, user)


def related_slots(
    commitment: Commitment,
    user: User,
    mandates: list[Mandate],
    today: dt.date | None = None,
) -> dict[SlotRole, list[tuple[Capacity, Mandate | None]]]:
    """The slots of ``commitment`` ``user`` relates to, with the capacities (best first)."""

    today = today or today_wib()
    found: dict[SlotRole, list[tuple[Capacity, Mandate | None]]] = {}
    for slot in commitment.slots:
        caps = capacities(commitment, slot, user, mandates, today)
        if caps:
            found[SlotRole(slot.role)] = caps
    return found


def may_view(db_session: Session, user: Any, commitment: Commitment) -> bool:
    """The domain's read rule (:func:`signing.workflow.access.may_read`), shared with the API."""
    if not getattr(user, "is_authenticated", False):
        return False
    return may_read(db_session, user, commitment)


def fail(status: int, message: str) -> NoReturn:
    """Stop the request with the styled error page (Indonesian message, no stack trace)."""
    abort(make_response(error_response(status, message)))


def _viewable_or_abort(commitment_id: int) -> Commitment:
    """The commitment if the current user may see it; else an error response is raised."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    commitment = load_commitment(db.session, commitment_id)
    if commitment is None:
        fail(404, gettext("Dokumen komitmen tidak ditemukan."))
    if not may_view(db.session, current_user, commitment):
        fail(
            403,
            gettext(
                "Dokumen ini tidak memuat bagian tanda tangan Anda, jadi tidak dapat dibuka "
                "dengan akun ini."
            ),
        )
    if commitment.current_sha256 is None:
        fail(404, gettext("Dokumen ini belum dibuat."))
    return commitment


# ----------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class PageView:
    number: int
    width: float
    height: float

    @property
    def ratio(self) -> str:
        """CSS aspect-ratio, so the page keeps its place while the image loads."""
        return f"{self.width:.2f} / {self.height:.2f}"


@dataclass(frozen=True)
class FieldBox:
    """A signature field over its page image, in percent of the page (CSS ``left/top/...``)."""

    name: str
    page: int
    left: float
    top: float
    width: float
    height: float

    @property
    def style(self) -> str:
        return (
            f"left:{self.left:.3f}%;top:{self.top:.3f}%;"
            f"width:{self.width:.3f}%;height:{self.height:.3f}%"
        )


@dataclass(frozen=True)
class Geometry:
    pages: tuple[PageView, ...]
    fields: dict[str, FieldBox]


_CACHE_LOCK = threading.Lock()
_GEOMETRY: OrderedDict[str, Geometry] = OrderedDict()
_PNGS: OrderedDict[tuple[str, int, float], bytes] = OrderedDict()
_GEOMETRY_MAX = 256
#: About 150 KB a page image: 64 of them stay well under 16 MB per worker.
_PNG_MAX = 64


def _remember(cache: OrderedDict, key: Any, value: Any, limit: int) -> None:
    with _CACHE_LOCK:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > limit:
            cache.popitem(last=False)


def _recall(cache: OrderedDict, key: Any) -> Any:
    with _CACHE_LOCK:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


def document_geometry(pdf: bytes, sha256: str | None = None) -> Geometry:
    """Page sizes and every signature field's box, cached per revision (the hash)."""

    key = sha256 or hashlib.sha256(pdf).hexdigest()
    cached = _recall(_GEOMETRY, key)
    if cached is not None:
        return cached
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = tuple(
            PageView(number=i + 1, width=float(w), height=float(h))
            for i, (w, h) in enumerate(doc.get_page_size(i) for i in range(len(doc)))
        )
    finally:
        doc.close()
    fields: dict[str, FieldBox] = {}
    for info in list_signature_fields(pdf):
        if not 0 <= info.page < len(pages):
            continue
        page = pages[info.page]
        x1, y1, x2, y2 = info.rect
        # PDF y grows upwards from the bottom edge; CSS top grows downwards.
        fields[info.name] = FieldBox(
            name=info.name,
            page=page.number,
            left=100 * x1 / page.width,
            top=100 * (page.height - y2) / page.height,
            width=100 * (x2 - x1) / page.width,
            height=100 * (y2 - y1) / page.height,
        )
    geometry = Geometry(pages=pages, fields=fields)
    _remember(_GEOMETRY, key, geometry, _GEOMETRY_MAX)
    return geometry


def current_geometry(db_session: Session, commitment: Commitment) -> Geometry:
    cached = _recall(_GEOMETRY, commitment.current_sha256)
    if cached is not None:
        return cached
    return document_geometry(current_pdf(db_session, commitment), commitment.current_sha256)


def _current_pdf_or_abort(commitment: Commitment) -> bytes:
    try:
        return current_pdf(db.session, commitment)
    except DocumentNotGenerated as error:
        fail(404, gettext("Berkas dokumen tidak dapat dibaca: %(error)s", error=error))
    # BlobCorrupted: the app's handler says the stored file is damaged (signing.web.errors).


# ----------------------------------------------------------------------------- routes


@bp.get("/<int:commitment_id>/halaman/<int:page>.png")
def page_image(commitment_id: int, page: int):  # type: ignore[no-untyped-def]
    """Page ``page`` (1-based) of the current revision as PNG, signature appearances drawn."""

    commitment = _viewable_or_abort(commitment_id)
    sha = commitment.current_sha256 or ""
    key = (sha, page, PAGE_SCALE)
    png = _recall(_PNGS, key)
    if png is None:
        pdf = _current_pdf_or_abort(commitment)
        try:
            png = page_png(pdf, page - 1, scale=PAGE_SCALE)
        except IndexError:
            fail(404, gettext("Halaman tidak ada pada dokumen ini."))
        _remember(_PNGS, key, png, _PNG_MAX)
    response = Response(png, mimetype="image/png")
    # The page names its revision in ?rev=; only then may the browser keep the image.
    if request.args.get("rev") and sha.startswith(request.args["rev"]):
        response.headers["Cache-Control"] = "private, max-age=3600"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    response.headers["ETag"] = f'"{sha[:16]}-{page}"'
    return response


def pdf_response(data: bytes, name: str, *, inline: bool = False, private: bool = True) -> Response:
    """A PDF to download (or, ``inline``, to open in the browser) under a file name made safe
    from ``name``; a private one is never stored by a browser or a cache."""
    safe = re.sub(r"[^0-9A-Za-z._-]+", "-", name).strip("-") or "dokumen"
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe}.pdf"'
    response.headers["Cache-Control"] = "private, no-store" if private else "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:commitment_id>.pdf")
def pdf(commitment_id: int):  # type: ignore[no-untyped-def]
    """The current revision's PDF (``?lihat=1`` opens it in the browser instead of saving)."""
    commitment = _viewable_or_abort(commitment_id)
    data = _current_pdf_or_abort(commitment)
    return pdf_response(data, commitment.number, inline=bool(request.args.get("lihat")))
