"""Security headers on every answer.

HTML pages get a Content-Security-Policy that allows scripts only from our own static files
(no inline script, no ``eval``; the ``<script type="application/json">`` text blocks are data,
never executed), may not be framed by anyone (``frame-ancestors 'none'`` and, for older
browsers, ``X-Frame-Options: DENY``) and send forms and fetches only to this origin. Inline
``style`` attributes stay allowed (progress bars and zone colours are computed per row); a
style cannot run code. Every answer gets ``nosniff`` and a Referrer-Policy that keeps our URLs
(verification tokens included) from other sites; with an https ``BASE_URL`` also HSTS.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            headers.setdefault("X-Frame-Options", "DENY")
        return response
