"""POST /api/v1/verify, the rate limit, errors outside any operation, and the document's page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from signing import db
from signing.api.docs import ERROR_CODES, OPERATION_ERRORS, document
from signing.commitments.storage import current_pdf
from signing.models import ActKind, Blob, Commitment, SlotRole
from signing.verification.service import verify_upload

from .contract import error_code, schema_of, validate

VERIFY = "/api/v1/verify"


def _pdf(app: Flask, commitment_id: int) -> bytes:
    with app.app_context():
        return current_pdf(db.session, db.session.get(Commitment, commitment_id))


def test_verify_gives_the_same_report_as_the_page_for_a_raw_or_multipart_pdf(
    app, api, desk, kotim
) -> None:
    desk.act(kotim, SlotRole.KETUA_DPRD, ActKind.SIGN, "ketua-dprd-62.02")
    pdf = _pdf(app, kotim)
    client = api("sekretariat")
    raw = client.post(VERIFY, data=pdf, content_type="application/pdf")
    assert raw.status_code == 200
    report = raw.get_json()
    assert report["verdict"] == "valid_incomplete"
    assert report["valid"] is True and report["exit_code"] == 0
    assert report["commitment"]["number"]
    kinds = {s["kind"] for s in report["signatures"]}
    assert kinds == {"seal", "sign", "timestamp"}  # a document time stamp follows every act
    with app.app_context():
        expected = verify_upload(db.session, pdf).as_dict()
    assert report == expected
    from io import BytesIO

    multipart = client.post(
        VERIFY,
        data={"file": (BytesIO(pdf), "komitmen.pdf")},
        content_type="multipart/form-data",
    )
    assert multipart.status_code == 200 and multipart.get_json() == report


def test_verify_reports_a_changed_file_and_an_unreadable_one(app, api, kotim) -> None:
    pdf = _pdf(app, kotim)
    client = api("bupati-62.02")
    tampered = pdf.replace(b"KOMITMEN", b"KOMITMEM", 1)
    if tampered == pdf:  # text is compressed: flip a byte inside the signed range instead
        middle = len(pdf) // 3
        tampered = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]
    report = client.post(VERIFY, data=tampered, content_type="application/pdf").get_json()
    assert report["valid"] is False
    garbage = client.post(VERIFY, data=b"bukan pdf", content_type="application/pdf")
    assert garbage.status_code == 200
    assert garbage.get_json()["verdict"] == "cannot_verify"
    assert garbage.get_json()["exit_code"] == 2


def test_verify_refuses_other_media_a_missing_field_and_oversized_bodies(app, api, kotim) -> None:
    client = api("sekretariat")
    response = client.post(VERIFY, data=b"%PDF-", content_type="text/plain")
    assert (response.status_code, error_code(response)) == (415, "unsupported_media_type")
    response = client.post(VERIFY, data={"berkas": "x"}, content_type="multipart/form-data")
    assert (response.status_code, error_code(response)) == (422, "no_file")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(VERIFY, data=b"%PDF-" + b"0" * 2000, content_type="application/pdf")
    assert (response.status_code, error_code(response)) == (413, "too_large")
    response = api().post(VERIFY, data=b"%PDF-", content_type="application/pdf")
    assert (response.status_code, error_code(response)) == (401, "missing_token")


def test_a_saturated_verifier_answers_503_busy(app, api, kotim) -> None:
    app.config.update(VERIFY_CONCURRENCY=0, VERIFY_QUEUE_SECONDS=0)
    response = api("sekretariat").post(
        VERIFY, data=_pdf(app, kotim), content_type="application/pdf"
    )
    assert (response.status_code, error_code(response)) == (503, "busy")
    assert response.headers["Retry-After"]


def test_a_stored_pdf_that_no_longer_matches_its_hash_is_a_500_storage_error(
    app, api, kotim
) -> None:
    with app.app_context():
        sha = db.session.get(Commitment, kotim).current_sha256
        db.session.execute(sa.update(Blob).where(Blob.sha256 == sha).values(data=b"%PDF-1.7 rusak"))
        db.session.commit()
    response = api("sekretariat").get(f"/api/v1/commitments/{kotim}/pdf")
    assert (response.status_code, error_code(response)) == (500, "storage_error")


def test_each_token_has_its_own_rate_limit(app, api, kotim) -> None:
    app.config["API_LIMIT_PER_TOKEN"] = "3 per minute"
    first, second = api("sekretariat"), api("gubernur")
    assert [first.get("/api/v1/events").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/events")
    assert (response.status_code, error_code(response)) == (429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    assert second.get("/api/v1/events").status_code == 200


def test_unknown_paths_and_methods_answer_the_error_object(api, kotim) -> None:
    client = api("sekretariat")
    response = client.get("/api/v1/tidak-ada")
    assert (response.status_code, error_code(response)) == (404, "http_404")
    response = client.open("DELETE", f"/api/v1/commitments/{kotim}")
    assert (response.status_code, error_code(response)) == (405, "http_405")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    response = client.open("PUT", VERIFY)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_every_documented_error_code_has_the_error_shape() -> None:
    for code, (status, meaning) in ERROR_CODES.items():
        assert 400 <= status < 600 and meaning, code
        validate(
            {"error": {"code": code, "message": "pesan", "message_en": meaning}},
            schema_of("Error"),
        )
    used = {code for codes in OPERATION_ERRORS.values() for code in codes}
    assert used == set(ERROR_CODES)


def test_the_document_is_valid_openapi_3_1() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    doc = document()
    assert doc["openapi"] == "3.1.0"
    validator.validate(doc)
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if operation.get("security") == []:
                continue
            assert {"401", "429", "5XX"} <= codes, (method, path)


def test_the_raw_document_is_served_and_the_page_shows_it(app, kalteng) -> None:
    client = app.test_client()
    raw = client.get("/api/v1/openapi.json")
    assert raw.status_code == 200 and raw.get_json() == document()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    for path in document()["paths"]:
        assert path in text
    for code in ERROR_CODES:
        assert f"<code>{code}</code>" in text
    for name in document()["components"]["schemas"]:
        assert f'id="schema-{name}"' in text
    assert "cdn" not in text.lower() and "swagger-ui" not in text.lower()
    # The administrator's navigation links to it.
    from tests.conftest import AuthActions

    AuthActions(client).login("admin")
    assert 'href="/api/v1/docs"' in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_a_login_cookie_is_not_a_token(app, kotim) -> None:
    from tests.conftest import AuthActions

    client = app.test_client()
    AuthActions(client).login("sekretariat")
    assert client.get("/", follow_redirects=True).status_code == 200
    response = client.get("/api/v1/events")
    assert (response.status_code, error_code(response)) == (401, "missing_token")
