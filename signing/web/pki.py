"""The public PKI: the CRLs and CA certificates whose URLs are written into every certificate, the
page that tells a reader how to trust the root (``/pki/``) and the CPS (``/pki/cps``) that every
end-entity certificate's certificatePolicies points to.

No login: validators (pyHanko, Adobe, poppler) and readers fetch these anonymously. CRLs are
built from the database's revocations (see :func:`signing.pki.service.current_crls`), so a
revocation shows here as soon as it is committed, whichever worker answers.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote

from cryptography.hazmat.primitives import hashes
from flask import Blueprint, Response, current_app, render_template, request

from signing import db
from signing.extensions import csrf
from signing.pki import service
from signing.pki.ca import CERTIFICATE_POLICY_OID
from signing.web.errors import error_response

bp = Blueprint("pki", __name__, url_prefix="/pki")

#: RFC 5280 section 4.2.1.13 / RFC 2585: DER, these media types.
CRL_TYPE = "application/pkix-crl"
CERT_TYPE = "application/pkix-cert"


def _der(data: bytes, mimetype: str, filename: str, max_age: int) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    return response


@bp.get("/<any(root, issuing):level>.crl")
def crl(level: str):  # type: ignore[no-untyped-def]
    try:
        data = service.crl(db.session, level)
    except service.CaMissing:
        return error_response(503, "CA aplikasi belum dibuat.", "The CA is not set up yet.")
    # Short cache: a revocation must reach validators quickly.
    return _der(data, CRL_TYPE, f"{level}.crl", 300)


@bp.get("/<any(root, issuing):level>.crt")
def certificate(level: str):  # type: ignore[no-untyped-def]
    try:
        ca = service.get_ca()
    except service.CaMissing:
        return error_response(503, "CA aplikasi belum dibuat.", "The CA is not set up yet.")
    cert = ca.root_cert if level == "root" else ca.issuing_cert
    return _der(service.certificate_der(cert), CERT_TYPE, f"{level}.crt", 86400)


OCSP_RESPONSE_TYPE = "application/ocsp-response"
#: An OCSP request is a few hundred bytes; refuse anything much larger before parsing.
OCSP_MAX_REQUEST = 8192


@bp.post("/ocsp")
@bp.get("/ocsp/<path:encoded>")
@csrf.exempt  # validators POST binary requests with no cookie or form
def ocsp(encoded: str | None = None):  # type: ignore[no-untyped-def]
    """RFC 6960 responder (POST, or GET with the base64 request in the path) for the
    certificates our issuing CAs signed."""

    if encoded is None:
        data = request.get_data(cache=False)[: OCSP_MAX_REQUEST + 1]
    else:
        try:
            data = base64.b64decode(unquote(encoded), validate=False)
        except (binascii.Error, ValueError):
            data = b""
    if len(data) > OCSP_MAX_REQUEST:
        data = b""
    try:
        answer = service.answer_ocsp(db.session, data)
    except service.CaMissing:
        return error_response(503, "CA aplikasi belum dibuat.", "The CA is not set up yet.")
    response = Response(answer, mimetype=OCSP_RESPONSE_TYPE)
    response.headers["Cache-Control"] = "no-cache"
    return response


def fingerprint(cert, algorithm=None) -> str:  # type: ignore[no-untyped-def]
    """``AB:CD:...`` as certificate dialogs show it (SHA-256 unless told)."""
    return cert.fingerprint(algorithm or hashes.SHA256()).hex(":").upper()


def _page(template: str):  # type: ignore[no-untyped-def]
    try:
        ca = service.get_ca()
    except service.CaMissing:
        return error_response(503, "CA aplikasi belum dibuat.", "The CA is not set up yet.")

    root = ca.root_cert
    response = Response(
        render_template(
            template,
            ca=ca,
            root=root,
            root_sha256=fingerprint(root),
            root_sha1=fingerprint(root, hashes.SHA1()),  # noqa: S303 - what Windows displays
            policy_oid=CERTIFICATE_POLICY_OID.dotted_string,
            tsa_url=current_app.config.get("TSA_URL"),
        )
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Root fingerprint, downloads and how to trust the root in Acrobat, poppler and Windows."""
    return _page("pki/index.html")


@bp.get("/cps")
def cps():  # type: ignore[no-untyped-def]
    """The certification practice statement (Indonesian) named in every certificate."""
    return _page("pki/cps.html")
