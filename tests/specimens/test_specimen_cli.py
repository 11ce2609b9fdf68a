"""``signing users specimen``: the same checks as the key page, from files."""

from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image

from signing.models import AuditEntry, Specimen, User
from signing.specimens import prepare_specimen
from tests.web.test_specimens import scan


def _stored(db_session, username: str) -> dict[str, Specimen]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    user = db_session.execute(sa.select(User).where(User.username == username)).scalar_one()
    rows = db_session.execute(sa.select(Specimen).where(Specimen.user_id == user.id)).scalars()
    return {s.kind.value: s for s in rows}


def test_store_both_then_remove_one(runner, kalteng, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    signature = tmp_path / "ttd.jpg"
    signature.write_bytes(scan())
    paraf = tmp_path / "paraf.png"
    paraf.write_bytes(scan((200, 100), fmt="PNG"))
    result = runner.invoke(
        args=["users", "specimen", "gubernur", "--signature", str(signature), "--paraf", str(paraf)]
    )
    assert result.exit_code == 0, result.output
    assert "Spesimen tanda tangan disimpan" in result.output
    assert set(_stored(db_session, "gubernur")) == {"signature", "paraf"}
    actions = db_session.execute(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("specimen.%"))
    ).scalars()
    assert list(actions) == ["specimen.upload", "specimen.upload"]
    result = runner.invoke(args=["users", "specimen", "gubernur", "--remove", "paraf"])
    assert result.exit_code == 0, result.output
    assert set(_stored(db_session, "gubernur")) == {"signature"}


def test_a_bad_file_fails_with_exit_1_and_changes_nothing(
    runner, kalteng, db_session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "ttd.jpg"
    good.write_bytes(scan())
    bad = tmp_path / "paraf.gif"
    bad.write_bytes(scan(fmt="GIF"))
    result = runner.invoke(
        args=["users", "specimen", "gubernur", "--signature", str(good), "--paraf", str(bad)]
    )
    assert result.exit_code == 1
    assert "Format GIF tidak diterima: gunakan PNG atau JPEG." in result.output
    assert "Tidak ada yang diubah." in result.output
    assert _stored(db_session, "gubernur") == {}
    assert (
        runner.invoke(args=["users", "specimen", "tidak-ada", "--signature", str(good)]).exit_code
        == 1
    )
    assert runner.invoke(args=["users", "specimen", "gubernur"]).exit_code == 1


def test_paper_becomes_transparent_and_ink_stays() -> None:
    png, width, height = prepare_specimen(scan((600, 240), paper=(235, 233, 225)))
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGBA" and (width, height) == image.size
    assert width <= 600 and height <= 300
    pixels = list(image.getdata())
    clear = [p for p in pixels if p[3] == 0]
    ink = [p for p in pixels if p[3] == 255]
    assert clear and ink
    # Ink keeps its dark blue; nothing light stays opaque.
    assert all(p[0] < 215 or p[1] < 215 or p[2] < 215 for p in ink)
    assert max(p[2] - p[0] for p in ink) > 30
