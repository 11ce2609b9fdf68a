"""The public pages: upload and verdict, size limit, throttle, QR landing page, download."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from signing import db
from signing.models import Commitment, User
from tests.conftest import TEST_PASSWORD, AuthActions
from tests.pades.pdf_helpers import add_visible_text

from .scenario import PRIVATE_IP, PRIVATE_USER_AGENT, Scenario


def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/verifikasi")
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def upload(client, data: bytes, name: str = "dokumen.pdf"):  # type: ignore[no-untyped-def]
    return client.post(
        "/verifikasi",
        data={"csrf_token": _token(client), "berkas": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _code(app, commitment_id: int) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(Commitment, commitment_id).code


def test_form_is_public_and_in_indonesian(client) -> None:
    page = client.get("/verifikasi")
    assert page.status_code == 200
    assert "Periksa berkas PDF" in page.text
    assert 'type="file"' in page.text and 'name="csrf_token"' in page.text
    assert "paling besar 20 MB" in page.text


def test_upload_shows_the_verdict_then_each_signature(client, current_pdf_of, scenario) -> None:
    response = upload(client, current_pdf_of(scenario.kotim))
    assert response.status_code == 200
    text = response.text
    assert 'data-verdict="valid_incomplete"' in text
    assert "Sah, belum lengkap" in text
    assert text.index("Sah, belum lengkap") < text.index("Tanda tangan dalam berkas")
    assert "H.M. Taufik Mukri" in text and "Paraf" in text and "Saksi" in text
    assert "Mewakili (paraf saja" in text
    assert "Terpercaya (CA aplikasi ini)" in text
    assert "berkas terbaru (tahap penandatanganan ke-" in text


def test_shadow_edit_over_the_web(client, current_pdf_of, scenario) -> None:
    response = upload(client, add_visible_text(current_pdf_of(scenario.complete)))
    assert response.status_code == 200
    assert "Dokumen telah diubah setelah ditandatangani" in response.text


def test_missing_file_is_a_400_with_a_message(client) -> None:
    response = client.post("/verifikasi", data={"csrf_token": _token(client)})
    assert response.status_code == 400
    assert "Pilih berkas PDF" in response.text


def test_post_without_csrf_token_is_refused(client, current_pdf_of, scenario) -> None:
    response = client.post(
        "/verifikasi",
        data={"berkas": (io.BytesIO(current_pdf_of(scenario.draft)), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "CSRF" in response.text


class _Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    read_calls = 0

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        # The test client measures the body by seeking to its end; that reads nothing.
        self.position = self.size if whence == 2 else offset
        return self.position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        type(self).read_calls += 1
        raise AssertionError("the body was read despite its declared size")


@pytest.mark.parametrize("scenario_app", [{"MAX_CONTENT_LENGTH": 64 * 1024}], indirect=True)
def test_size_limit_is_enforced_before_the_body_is_read(client) -> None:
    token = _token(client)
    boundary = "grens"
    response = client.post(
        "/verifikasi",
        input_stream=_Unreadable(30 * 1024 * 1024),
        content_type=f"multipart/form-data; boundary={boundary}",
        query_string={"csrf_token": token},
    )
    assert response.status_code == 413, response.text
    assert "Berkas terlalu besar" in response.text
    assert _Unreadable.read_calls == 0


@pytest.mark.parametrize("scenario_app", [{"MAX_CONTENT_LENGTH": 64 * 1024}], indirect=True)
def test_upload_over_the_limit_gets_the_413_page(client, current_pdf_of, scenario) -> None:
    response = upload(client, current_pdf_of(scenario.kotim))
    assert response.status_code == 413
    assert "Berkas terlalu besar: batas unggahan 64 KB" in response.text
    assert '<html lang="id"' in response.text


@pytest.mark.parametrize("scenario_app", [{"VERIFY_LIMIT_PER_IP": "2 per minute"}], indirect=True)
def test_verification_is_throttled_per_ip(client) -> None:
    data = b"%PDF-1.7\nbukan apa-apa"
    assert upload(client, data).status_code == 200
    assert upload(client, data).status_code == 200
    third = upload(client, data)
    assert third.status_code == 429
    assert "Terlalu banyak percobaan" in third.text
    other_ip = client.post(
        "/verifikasi",
        data={"csrf_token": _token(client), "berkas": (io.BytesIO(data), "a.pdf")},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    assert other_ip.status_code == 200


def test_qr_landing_page_shows_public_status_only(app, client, scenario: Scenario) -> None:
    code = _code(app, scenario.kotim)
    page = client.get(f"/v/{code}")
    assert page.status_code == 200
    text = page.text
    assert "Kabupaten Kotawaringin Timur" in text
    assert "Ada paraf, tanda tangan masih ditunggu" in text
    assert "Diparaf oleh H.M. Taufik Mukri" in text
    assert "Dra. Rinie" in text
    assert "Bupati Kotawaringin Timur" in text and "Sudah bersaksi" in text
    for secret in (PRIVATE_IP, PRIVATE_USER_AGENT, "audit", "sha256_before"):
        assert secret not in text
    with app.app_context():
        commitment = db.session.get(Commitment, scenario.kotim)
        assert commitment.current_sha256 in text
        assert f"/v/{code}/unduh" in text


def test_qr_landing_page_of_a_complete_commitment(app, client, scenario: Scenario) -> None:
    page = client.get(f"/v/{_code(app, scenario.complete)}")
    assert page.status_code == 200
    assert 'data-state="complete"' in page.text
    assert "Lengkap sejak" in page.text


@pytest.mark.parametrize("code", ["TIDAK-ADA", "x" * 200, "..%2F..%2Fetc", "6202-<script>"])
def test_unknown_codes_are_404(client, code: str) -> None:
    assert client.get(f"/v/{code}").status_code == 404
    assert client.get(f"/v/{code}/unduh").status_code == 404


def test_public_download_is_the_signed_original(app, client, scenario, current_pdf_of) -> None:
    code = _code(app, scenario.complete)
    response = client.get(f"/v/{code}/unduh")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == current_pdf_of(scenario.complete)
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["ETag"].strip('"') == hashlib.sha256(response.data).hexdigest()


@pytest.mark.parametrize("scenario_app", [{"VERIFY_PUBLIC_DOWNLOAD": False}], indirect=True)
def test_public_download_can_be_switched_off(app, client, scenario) -> None:
    code = _code(app, scenario.complete)
    assert client.get(f"/v/{code}/unduh").status_code == 404
    assert f"/v/{code}/unduh" not in client.get(f"/v/{code}").text


def test_voided_commitment_is_not_offered_for_download(app, client, scenario) -> None:
    from signing.workflow.operations import void_commitment

    with app.app_context():
        session = db.session
        staff = session.execute(sa.select(User).where(User.username == "sekretariat")).scalar_one()
        replacement = void_commitment(
            session, session.get(Commitment, scenario.kotim), "Nama salah", actor=staff
        )
        session.commit()
        new_code = replacement.code
    code = _code(app, scenario.kotim)
    page = client.get(f"/v/{code}")
    assert page.status_code == 200
    assert "Dibatalkan" in page.text and new_code in page.text
    assert "Nama salah" not in page.text  # the reason stays internal
    gone = client.get(f"/v/{code}/unduh")
    assert gone.status_code == 410
    assert new_code in gone.text


# ----------------------------------------------------------------------------- printing


PRINT_ROUTES = [
    "/cetak/acara/{event}",
    "/cetak/komitmen/{kotim}/asli.pdf",
    "/cetak/komitmen/{kotim}/salinan.pdf",
    "/cetak/acara/{event}/bundel.pdf",
    "/cetak/acara/{event}/rekapitulasi.pdf",
]


def _route(template: str, scenario: Scenario) -> str:
    return template.format(event=scenario.event_id, kotim=scenario.kotim)


@pytest.mark.parametrize("route", PRINT_ROUTES)
def test_printing_needs_a_login(client, scenario, route: str) -> None:
    response = client.get(_route(route, scenario))
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


@pytest.mark.parametrize("route", PRINT_ROUTES)
def test_printing_is_for_the_secretariat_only(client, scenario, route: str) -> None:
    AuthActions(client).login("gubernur", TEST_PASSWORD)
    assert client.get(_route(route, scenario)).status_code == 403


def test_secretariat_downloads(client, scenario, current_pdf_of) -> None:
    AuthActions(client).login("sekretariat", TEST_PASSWORD)
    page = client.get(_route(PRINT_ROUTES[0], scenario))
    assert page.status_code == 200 and "Kabupaten Kotawaringin Timur" in page.text
    # The event's tabs, this one current, and the way back to every event.
    tabs = page.text[page.text.index('class="subnav"') :].split("</nav>")[0]
    assert f'href="/sekretariat/acara/{scenario.event_id}"' in tabs
    assert re.search(r'href="/cetak/acara/\d+" class="active" aria-current="page"', tabs)
    assert 'href="/sekretariat/">' in page.text and "Semua acara" in page.text
    original = client.get(_route(PRINT_ROUTES[1], scenario))
    assert original.status_code == 200
    assert original.data == current_pdf_of(scenario.kotim)
    assert original.headers["Cache-Control"] == "private, no-store"
    for route in PRINT_ROUTES[2:]:
        response = client.get(_route(route, scenario))
        assert response.status_code == 200, route
        assert response.data.startswith(b"%PDF-"), route
    assert client.get("/cetak/komitmen/99999/salinan.pdf").status_code == 404
    assert client.get("/cetak/acara/99999/bundel.pdf").status_code == 404


def test_every_printed_copy_is_audited(app, client, scenario) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from signing import db
    from signing.models import AuditEntry

    expected = ("print.signed_pdf", "print.copy", "print.bundle", "print.report")
    AuthActions(client).login("sekretariat", TEST_PASSWORD)
    for route in PRINT_ROUTES[1:]:
        assert client.get(_route(route, scenario)).status_code == 200
    with app.app_context():
        entries = (
            db.session.execute(
                sa.select(AuditEntry)
                .where(AuditEntry.action.like("print.%"))
                .order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
        assert [e.action for e in entries] == list(expected)
        assert {e.actor_name for e in entries} == {entries[0].actor_name}
        assert entries[0].sha256_after is not None


def test_our_print_copy_uploaded_is_named_a_print_copy_of_its_original(
    app, client, scenario, current_pdf_of
) -> None:  # type: ignore[no-untyped-def]
    """The copy the secretariat downloads is "salinan cetak" of the right document, with the
    original's current status and a link; edited, it is not claimed as ours."""
    AuthActions(client).login("sekretariat", TEST_PASSWORD)
    copy = client.get(f"/cetak/komitmen/{scenario.kotim}/salinan.pdf")
    assert copy.status_code == 200
    AuthActions(client).logout()
    with app.app_context():
        kotim = db.session.get(Commitment, scenario.kotim)
        number, code = kotim.number, kotim.code
        other = db.session.get(Commitment, scenario.complete).number

    response = upload(client, copy.data, "SALINAN.pdf")
    assert response.status_code == 200
    text = response.text
    assert 'data-verdict="print_copy"' in text
    assert "Salinan cetak dokumen yang diterbitkan sistem ini" in text
    assert f'data-print-copy="{code}"' in text
    assert number in text and other not in text
    assert "Ada paraf, tanda tangan masih ditunggu" in text  # the original's status today
    assert f'href="/v/{code}"' in text
    facts = text[text.index("Diterbitkan sistem ini") :]
    assert facts.split("</dd>")[0].endswith(f"Ya, sebagai salinan cetak dokumen {number}")

    # The same marker on other bytes: named, but not claimed as ours.
    edited = copy.data.replace(b"%%EOF", b"%%EOF\n% diubah", 1)
    response = upload(client, edited, "SALINAN-diubah.pdf")
    assert 'data-verdict="cannot_verify"' in response.text
    assert "tidak sama dengan salinan cetak mana pun" in response.text
    assert "Ya, sebagai salinan cetak" not in response.text
