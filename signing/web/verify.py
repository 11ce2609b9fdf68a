"""Public verification pages.

Blueprint ``verify`` (public, no login):

- ``GET /verifikasi``: upload form; ``POST /verifikasi``: the verdict for the uploaded PDF.
- ``GET /v/<code>``: the QR code's landing page: the commitment's public status only (region,
  parties' offices and names, acts with kind and time, completion). No audit trail, no IPs, no
  reasons, no internal ids.
- ``GET /v/<code>/unduh``: the current signed PDF, original bytes.

Why the public may download the signed PDF: the QR code is printed on the paper, and whoever
holds the paper needs the electronic original to check it (the paper itself proves nothing);
the commitment is a public undertaking signed at an open meeting, and the file holds nothing the
landing page does not show except the signers' certificates, which are public by design. The
code in the URL is random (40 bits), so documents cannot be enumerated, and downloads share the
per-IP throttle. A voided commitment's file is not offered (410): the page points to its
replacement instead. ``VERIFY_PUBLIC_DOWNLOAD = False`` turns the download off.

The secretariat's printing downloads are :mod:`signing.web.printing`.

Bad input never reaches pyHanko in this process: the size limit (``MAX_CONTENT_LENGTH``) is
checked by Werkzeug from the Content-Length before the body is read (413), and verification runs
in a child process with time and memory limits (:mod:`signing.verification.sandbox`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge

from signing import db
from signing.commitments.errors import DocumentNotGenerated
from signing.commitments.storage import current_pdf
from signing.db import read_only
from signing.extensions import limiter
from signing.models import Commitment
from signing.verification.service import (
    AddressBusy,
    VerifierBusy,
    format_wib,
    public_status,
    verify_upload,
)
from signing.web.documents import pdf_response
from signing.web.errors import error_response

log = logging.getLogger(__name__)

bp = Blueprint("verify", __name__)

_MIB = 1024 * 1024
_CODE = re.compile(r"^[0-9A-Za-z-]{1,40}$")
#: Answer to an address that already has its verifications in flight (429).
ADDRESS_BUSY = (
    "Pemeriksaan berkas lain dari alamat Anda masih berjalan. Tunggu hasilnya, lalu coba lagi."
)


@bp.app_template_filter("verify_wib")
def _wib_filter(moment: dt.datetime | None) -> str:
    return format_wib(moment, seconds=True)


def _verify_limit() -> str:
    return current_app.config["VERIFY_LIMIT_PER_IP"]


_throttle = limiter.shared_limit(_verify_limit, scope="verify")


def _max_bytes() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 20 * _MIB)


def _limit_label() -> str:
    size = _max_bytes()
    if size >= _MIB:
        return f"{size / _MIB:g} MB"
    return f"{max(1, size // 1024)} KB"


def _form(status: int = 200, error: str | None = None):  # type: ignore[no-untyped-def]
    return render_template("verify/index.html", error=error, limit=_limit_label()), status


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    # Raised from the Content-Length header, before the body is read (CSRF checking reads the
    # form first, so this handler, not the view, answers).
    return _form(
        413, gettext("Berkas terlalu besar: batas unggahan %(limit)s.", limit=_limit_label())
    )


@bp.get("/verifikasi")
def index():  # type: ignore[no-untyped-def]
    return _form()


@bp.post("/verifikasi")
@_throttle
def upload():  # type: ignore[no-untyped-def]
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        return _form(400, gettext("Pilih berkas PDF yang akan diperiksa."))
    data = upload.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        return _form(
            413, gettext("Berkas terlalu besar: batas unggahan %(limit)s.", limit=_limit_label())
        )
    try:
        with read_only():
            result = verify_upload(db.session, data, address=request.remote_addr)
    except AddressBusy:
        return error_response(429, ADDRESS_BUSY, code="verify_in_progress")
    except VerifierBusy:
        return error_response(
            503, gettext("Layanan pemeriksaan sedang sibuk. Coba lagi sebentar lagi."), code="busy"
        )
    public_url = (
        url_for("verify.landing", code=result.commitment_code) if result.commitment_code else None
    )
    return render_template(
        "verify/result.html",
        result=result,
        filename=upload.filename,
        public_url=public_url,
    )


def _status_or_404(code: str):  # type: ignore[no-untyped-def]
    if not _CODE.match(code):
        abort(404)
    status = public_status(db.session, code)
    if status is None:
        abort(404)
    return status


@bp.get("/v/<code>")
@_throttle
def landing(code: str):  # type: ignore[no-untyped-def]
    status = _status_or_404(code)
    return render_template(
        "verify/landing.html",
        status=status,
        can_download=_public_download() and status.current_sha256 and not status.is_void,
    )


def _public_download() -> bool:
    value = current_app.config.get("VERIFY_PUBLIC_DOWNLOAD", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off")
    return bool(value)


@bp.get("/v/<code>/unduh")
@_throttle
def download(code: str):  # type: ignore[no-untyped-def]
    if not _public_download():
        abort(404)
    status = _status_or_404(code)
    if status.is_void:
        return error_response(
            410,
            gettext("Komitmen ini telah dibatalkan; dokumennya tidak lagi diunduh.")
            + " "
            + (
                gettext("Lihat versi penggantinya: kode %(code)s.", code=status.replaced_by_code)
                if status.replaced_by_code
                else ""
            ),
            code="void",
        )
    commitment = db.session.query(Commitment).filter(Commitment.code == code).one()
    try:
        data = current_pdf(db.session, commitment)
    except DocumentNotGenerated:
        abort(404)
    response = pdf_response(data, commitment.number, private=False)
    # The bytes change with every act: the ETag lets a browser re-check cheaply.
    response.set_etag(commitment.current_sha256 or "")
    return response
