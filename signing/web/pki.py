"""Public PKI files: the CRLs and CA certificates whose URLs are written into every certificate.

No login: validators (pyHanko, Adobe, poppler) fetch these anonymously. CRLs are built from the
database's revocations (see :func:`signing.pki.service.current_crls`), so a revocation shows here
as soon as it is committed, whichever worker answers.
"""

from __future__ import annotations

from flask import Blueprint, Response

from signing import db
from signing.pki import service
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
