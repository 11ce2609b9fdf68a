"""A stored PDF whose bytes no longer match their hash: every reader answers in words.

The blob is altered in the database as an attacker or a broken disk would; the signing page,
the printing pages, the bundle (web and CLI) and the API each refuse it with the same
Indonesian message, never a traceback.
"""

from __future__ import annotations

import sqlalchemy as sa

from signing.models import Blob, Commitment

from .world import KOBAR

DAMAGED = "Berkas dokumen yang tersimpan rusak"


def _damage(db_session, commitment_id: int) -> Commitment:  # type: ignore[no-untyped-def]
    commitment = db_session.get(Commitment, commitment_id)
    db_session.execute(
        sa.update(Blob)
        .where(Blob.sha256 == commitment.current_sha256)
        .values(data=b"%PDF-1.7 bukan isinya")
    )
    db_session.commit()
    return commitment


def test_every_reader_of_a_damaged_pdf_answers_a_handled_page(
    app, world, make_browser, db_session, tmp_path
) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = True  # an unhandled error would raise here
    from signing.web import documents

    commitment = _damage(db_session, world[KOBAR])
    # As in a fresh worker: no page drawn from these bytes before they were damaged (the world's
    # documents are the same bytes in every test of this process).
    documents._GEOMETRY.clear()
    documents._PNGS.clear()
    gubernur = make_browser("gubernur")
    for url in (
        f"/komitmen/{commitment.id}",
        f"/dokumen/{commitment.id}.pdf",
        f"/dokumen/{commitment.id}/halaman/1.png",
        f"/v/{commitment.code}/unduh",
    ):
        page = gubernur.get(url)
        assert page.status_code == 500, url
        assert page.mimetype == "text/html", url
        assert DAMAGED in page.text, url
        assert "Traceback" not in page.text

    staff = make_browser("sekretariat")
    for url in (
        f"/cetak/acara/{commitment.event_id}/bundel.pdf",
        f"/cetak/acara/{commitment.event_id}/bundel.pdf?lembar=0",
        f"/cetak/komitmen/{commitment.id}/asli.pdf",
        f"/cetak/komitmen/{commitment.id}/salinan.pdf",
        f"/sekretariat/komitmen/{commitment.id}/dokumen.pdf",
        f"/sekretariat/komitmen/{commitment.id}/halaman/1.png",
    ):
        response = staff.get(url)
        assert response.status_code == 500, url
        assert response.mimetype == "text/html", url
        assert DAMAGED in response.text, url
    # The secretariat's page of the commitment still opens, and says what is wrong.
    detail = staff.get(f"/sekretariat/komitmen/{commitment.id}")
    assert detail.status_code == 200
    assert "rusak" in detail.text

    result = app.test_cli_runner().invoke(
        args=["print", "bundle", "--event", str(commitment.event_id), "-o", str(tmp_path / "b.pdf")]
    )
    assert result.exit_code == 1
    assert "rusak" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "b.pdf").exists()


def test_the_api_answers_the_same_refusal_in_json(app, world, db_session) -> None:
    from signing.api import tokens
    from signing.models import User

    commitment = _damage(db_session, world[KOBAR])
    user = db_session.execute(sa.select(User).where(User.username == "sekretariat")).scalar_one()
    _record, plain = tokens.create_token(db_session, user, "uji")
    db_session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    client = app.test_client()
    for url in (
        f"/api/v1/commitments/{commitment.id}/pdf",
        f"/api/v1/commitments/{commitment.id}/revisions/{commitment.current_sha256}",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 500, url
        assert response.json["error"]["code"] == "storage_error"
        assert response.json["error"]["message"].startswith(DAMAGED)
