"""Specimens on the key page: upload (checked, made transparent, audited), preview, remove."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from signing.models import Specimen, SpecimenKind, User

from .conftest import audit_since, last_audit_id

PAGE = "/kunci-tanda-tangan"
UPLOAD = "/kunci-tanda-tangan/spesimen"


def scan(size=(400, 160), fmt="JPEG", paper=(248, 247, 240), ink=(15, 20, 80)) -> bytes:
    """A photographed signature: dark strokes on off-white paper."""
    image = Image.new("RGB", size, paper)
    w, h = size
    ImageDraw.Draw(image).line(
        [(w // 10, h * 3 // 4), (w // 3, h // 5), (w // 2, h * 4 // 5), (w * 9 // 10, h // 4)],
        ink,
        max(2, h // 20),
    )
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _specimens(db_session, username: str) -> dict[str, Specimen]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    user = db_session.execute(sa.select(User).where(User.username == username)).scalar_one()
    rows = db_session.execute(sa.select(Specimen).where(Specimen.user_id == user.id)).scalars()
    return {s.kind.value: s for s in rows}


def _upload(browser, kind: str, data: bytes, name: str = "ttd.jpg", **extra):  # type: ignore[no-untyped-def]
    return browser.post(
        UPLOAD,
        {"kind": kind, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_an_official_uploads_both_specimens_and_sees_them(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.04")
    page = bupati.get(PAGE)
    assert "Spesimen tanda tangan dan paraf" in page.text
    assert page.text.count('enctype="multipart/form-data"') == 2
    since = last_audit_id(db_session)
    response = _upload(bupati, "signature", scan())
    assert response.status_code == 303
    assert "Spesimen Anda telah disimpan" in bupati.get(response.headers["Location"]).text
    assert _upload(bupati, "paraf", scan((200, 120), fmt="PNG")).status_code == 303
    stored = _specimens(db_session, "bupati-62.04")
    assert set(stored) == {"signature", "paraf"}
    image = Image.open(io.BytesIO(stored["signature"].png))
    assert image.format == "PNG" and image.mode == "RGBA"
    # The paper is transparent, the ink opaque; the image is cropped to the ink.
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)
    assert image.getpixel((0, 0))[3] == 0 or alpha.getbbox() == (0, 0, *image.size)
    assert (stored["signature"].width, stored["signature"].height) == image.size
    entries = [e for e in audit_since(db_session, since) if e.action == "specimen.upload"]
    assert [e.details["kind"] for e in entries] == ["signature", "paraf"]
    assert entries[0].details["sha256"] == stored["signature"].sha256
    preview = bupati.get(f"{UPLOAD}/signature.png")
    assert preview.status_code == 200 and preview.mimetype == "image/png"
    assert preview.data == stored["signature"].png
    assert f'src="{UPLOAD}/paraf.png"' in bupati.get(PAGE).text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "kosong.png", "Berkas kosong: pilih gambar PNG atau JPEG."),
        (
            b"%PDF-1.7 bukan gambar",
            "ttd.png",
            "Berkas bukan gambar PNG atau JPEG yang dapat dibaca.",
        ),
        (scan(fmt="GIF"), "ttd.gif", "Format GIF tidak diterima: gunakan PNG atau JPEG."),
        (scan((40, 20)), "kecil.jpg", "Gambar terlalu kecil (40x20 piksel); paling kecil 60x30"),
        (scan((4100, 200)), "lebar.jpg", "Gambar terlalu besar (4100x200 piksel)"),
        (scan(ink=(250, 250, 250)), "putih.jpg", "Gambar tidak memuat goresan yang terlihat"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "besar.png", "batasnya 1 MB"),
        (scan(fmt="PNG")[:300], "potong.png", "Gambar rusak atau terpotong"),
    ],
    ids=["empty", "not-image", "gif", "small", "large", "blank", "over-1mb", "truncated"],
)
def test_a_bad_file_is_refused_in_indonesian_and_changes_nothing(
    world, make_browser, db_session, data, name, message
) -> None:
    bupati = make_browser("bupati-62.04")
    assert _upload(bupati, "signature", scan()).status_code == 303
    before = _specimens(db_session, "bupati-62.04")["signature"].sha256
    since = last_audit_id(db_session)
    response = _upload(bupati, "signature", data, name)
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert"' in response.text
    assert _specimens(db_session, "bupati-62.04")["signature"].sha256 == before
    assert [e.action for e in audit_since(db_session, since)] == []


def test_csrf_post_only_and_own_specimens_only(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.04")
    without_token = bupati.post(
        UPLOAD,
        {"kind": "signature", "file": (io.BytesIO(scan()), "ttd.jpg")},
        csrf=False,
        content_type="multipart/form-data",
    )
    assert without_token.status_code == 400
    assert bupati.get(UPLOAD).status_code == 405
    assert _specimens(db_session, "bupati-62.04") == {}
    assert _upload(bupati, "signature", scan()).status_code == 303
    # Another official sees only their own (none), never someone else's.
    other = make_browser("walikota-62.71")
    assert other.get(f"{UPLOAD}/signature.png").status_code == 404
    assert make_browser().get(f"{UPLOAD}/signature.png").status_code in (302, 401)
    assert _upload(bupati, "stempel", scan()).status_code == 422


def test_a_specimen_can_be_removed(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.04")
    assert _upload(bupati, "paraf", scan()).status_code == 303
    since = last_audit_id(db_session)
    response = bupati.post(UPLOAD, {"kind": "paraf", "remove": "1"})
    assert response.status_code == 303
    assert _specimens(db_session, "bupati-62.04") == {}
    assert [e.action for e in audit_since(db_session, since)] == ["specimen.remove"]
    assert bupati.get(f"{UPLOAD}/paraf.png").status_code == 404


def test_the_refusal_is_translated_for_an_english_reader(world, make_browser) -> None:
    bupati = make_browser("bupati-62.04")
    assert bupati.post("/bahasa/en").status_code == 302
    response = _upload(bupati, "signature", scan((40, 20)))
    assert response.status_code == 422
    assert "Image too small (40x20 pixels); at least 60x30 pixels." in response.text
    assert "Specimens of signature and paraf" in response.text


def test_specimen_kinds_are_the_two_marks() -> None:
    assert {k.value for k in SpecimenKind} == {"signature", "paraf"}
