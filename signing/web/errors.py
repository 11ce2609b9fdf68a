"""Error pages: styled, in Indonesian, never a stack trace. JSON under /api."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from signing import db
from signing.commitments.errors import BlobCorrupted, StorageError
from signing.extensions import login_manager
from signing.migrations import is_up_to_date

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Permintaan tidak valid", "Bad request"),
    401: ("Perlu masuk terlebih dahulu", "Authentication required"),
    403: ("Anda tidak berhak membuka halaman ini", "Forbidden"),
    404: ("Halaman tidak ditemukan", "Not found"),
    405: ("Metode tidak diizinkan", "Method not allowed"),
    409: ("Konflik: tindakan sudah dilakukan atau bukan giliran", "Conflict"),
    413: ("Berkas terlalu besar", "Payload too large"),
    422: ("Data tidak dapat diproses", "Unprocessable"),
    429: ("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.", "Too many requests"),
    500: ("Terjadi kesalahan pada server", "Internal server error"),
    503: ("Layanan belum siap", "Service unavailable"),
}

NOT_MIGRATED = "Basis data belum dimigrasikan ke versi terbaru. Jalankan: signing db upgrade"
DATABASE_UNAVAILABLE = (
    "Database tidak tersedia untuk sementara (server basis data mati, dimulai ulang atau tidak "
    "dapat dibuka). Coba lagi sebentar lagi."
)
DATABASE_UNAVAILABLE_EN = "Database unavailable: try again shortly."
STORAGE_DAMAGED = (
    "Berkas dokumen yang tersimpan rusak: isinya tidak cocok dengan sidik (hash) yang tercatat, "
    "jadi dokumen ini tidak ditampilkan, dicetak atau ditandatangani. Hubungi administrator "
    "untuk memulihkannya dari cadangan."
)
STORAGE_DAMAGED_EN = "The stored document is damaged (it does not match its recorded hash)."


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int,
    message_id: str | None = None,
    message_en: str | None = None,
    code: str | None = None,
):  # type: ignore[no-untyped-def]
    default_id, default_en = MESSAGES.get(status, MESSAGES[500])
    message_id = message_id or default_id
    message_en = message_en or default_en
    if wants_json():
        body = {
            "error": {
                "code": code or f"http_{status}",
                "message": message_id,
                "message_en": message_en,
            }
        }
        return jsonify(body), status
    # The page speaks the reader's language; the messages are their own msgids (a message
    # that is not in the catalogue is shown as it is).
    return render_template("errors/error.html", status=status, message=gettext(message_id)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        return error_response(
            400,
            "Formulir kedaluwarsa atau token keamanan (CSRF) tidak sah. Muat ulang halaman lalu "
            "coba lagi.",
            "The form expired or its CSRF token is invalid.",
            code="csrf",
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if status == 429:
            return error_response(429, code="throttled")
        custom = error.description if getattr(error, "signing_message", False) else None
        return error_response(status, custom)

    @app.errorhandler(StorageError)
    def _storage(error: StorageError):  # type: ignore[no-untyped-def]
        # Every reader of a stored PDF checks its hash (signing.commitments.storage); a page
        # that does not catch the refusal itself still answers in words, never a traceback.
        if isinstance(error, BlobCorrupted):
            log.error("stored PDF unusable on %s: %s", request.path, error)
            return error_response(500, STORAGE_DAMAGED, STORAGE_DAMAGED_EN, code="storage_error")
        return error_response(404, str(error), "The document is not available.", code="not_found")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):  # type: ignore[no-untyped-def]
        if isinstance(error, sa.exc.DBAPIError):
            answer = _database_answer(error)
            if answer is not None:
                return answer
        log.exception("unhandled error on %s %s", request.method, request.path)
        if current_app.testing and current_app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        return error_response(500)


def _database_answer(error: sa.exc.DBAPIError):  # type: ignore[no-untyped-def]
    """503 for a database that cannot be reached or whose schema is behind, else None.

    "Not migrated" only when the schema can be read and really is behind: an outage (the
    server down or restarting, a terminated connection, an SQLite file that cannot be opened)
    is "database tidak tersedia", and the pool reconnects by itself on a later request
    (``pool_pre_ping``, and SQLAlchemy invalidates a connection that failed this way).
    """

    # Whatever the page shows must not go back to the database (the base template reads
    # current_user): an error inside this handler would be a bare 500.
    g._login_user = login_manager.anonymous_user()
    db.discard_session()
    unavailable = error.connection_invalidated or isinstance(error, sa.exc.OperationalError)
    if isinstance(error, sa.exc.OperationalError | sa.exc.ProgrammingError):
        migrated = _schema_up_to_date()
        if migrated is False:
            return error_response(
                503,
                NOT_MIGRATED,
                "Database not migrated: run signing db upgrade",
                code="not_migrated",
            )
        unavailable = unavailable or migrated is None
    if not unavailable:
        return None
    log.error("database unavailable on %s %s: %s", request.method, request.path, error)
    response, status = error_response(
        503, DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_EN, code="database_unavailable"
    )
    response = make_response(response, status)
    response.headers["Retry-After"] = "10"
    return response


def _schema_up_to_date() -> bool | None:
    """Whether the schema is at the newest migration; None when the database cannot be read."""

    try:
        # A database without the version table reads as "no revision": not an error.
        return is_up_to_date(db.engine())
    except sa.exc.SQLAlchemyError:
        return None
