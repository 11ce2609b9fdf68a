"""One commitment: timeline in WIB, current PDF and page previews, versions with the void
reason kept, mandates that applied; and the mandates page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from signing.models import (
    ActKind,
    AuditEntry,
    Capacity,
    Commitment,
    Mandate,
    MandateKind,
    Office,
    OfficeKind,
    Region,
    SlotRole,
)
from signing.regions.importer import find_office
from tests.conftest import count_rows
from tests.secretariat.builders import KOTIM, act, make_commitments
from tests.secretariat.conftest import flashes, page_token, user


def _generate(app, event_id: int, code: str) -> int:  # type: ignore[no-untyped-def]
    from signing import db
    from signing.commitments.generation import generate_commitment
    from signing.models import Event

    with app.app_context():
        session = db.session
        region = session.execute(
            sa.select(Region).where(Region.kemendagri_code == code)
        ).scalar_one()
        commitment = generate_commitment(
            session, session.get(Event, event_id), region, actor="test"
        )
        session.commit()
        return commitment.id


def test_page_shows_timeline_pdf_and_previews(app, client, staff, demo_event) -> None:
    commitment_id = _generate(app, demo_event.id, KOTIM)
    html = client.get(f"/sekretariat/komitmen/{commitment_id}").text
    actions = re.findall(r'<li data-action="([^"]+)">', html)
    # In the order it happened: the document is made, then sealed.
    assert actions == ["commitment.generate", "commitment.seal"]
    assert html.index("Dokumen dibuat") < html.index("Disegel instansi")
    assert re.search(r"\d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIB", html)  # one table style
    pdf = client.get(f"/sekretariat/komitmen/{commitment_id}/dokumen.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    pages = re.findall(r'<img loading="lazy" src="([^"]+)"', html)
    assert pages, "no page previews"
    image = client.get(pages[0])
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    assert client.get(f"/sekretariat/komitmen/{commitment_id}/halaman/99.png").status_code == 404
    # Every slot is pending; the two regional parties have their turn.
    assert html.count("(gilirannya)") == 2


def test_void_needs_a_reason_then_issues_a_new_version_and_keeps_the_old(
    app, client, staff, db_session, demo_event
) -> None:
    commitment_id = _generate(app, demo_event.id, KOTIM)
    token = page_token(client)
    url = f"/sekretariat/komitmen/{commitment_id}/batalkan"
    response = client.post(url, data={"csrf_token": token, "reason": "  "}, follow_redirects=True)
    assert "Alasan pembatalan wajib diisi." in flashes(response.text)
    reason = "Nama Ketua DPRD salah tulis"
    response = client.post(url, data={"csrf_token": token, "reason": reason, "reissue": "1"})
    assert response.status_code == 302
    db_session.rollback()
    versions = (
        db_session.execute(
            sa.select(Commitment)
            .where(Commitment.event_id == demo_event.id)
            .order_by(Commitment.version)
        )
        .scalars()
        .all()
    )
    assert [(c.version, c.is_void) for c in versions] == [(1, True), (2, False)]
    old, new = versions
    assert old.void_reason == reason and new.replaces_id == old.id
    assert response.headers["Location"].endswith(f"/sekretariat/komitmen/{new.id}")
    html = client.get(f"/sekretariat/komitmen/{new.id}").text
    assert "dibatalkan" in html and reason in html and old.number in html
    old_page = client.get(f"/sekretariat/komitmen/{old.id}").text
    assert "Dokumen ini dibatalkan" in old_page and 'id="batal"' not in old_page
    assert "commitment.void" in old_page
    # The dashboard shows the live version.
    board = client.get(f"/sekretariat/acara/{demo_event.id}").text
    row = re.search(rf'<tr data-region="{KOTIM}">(.*?)</tr>', board, re.S).group(1)
    assert f"/sekretariat/komitmen/{new.id}" in row and "v2" in row
    # Voiding again is refused with the workflow's reason.
    response = client.post(url, data={"csrf_token": token, "reason": reason}, follow_redirects=True)
    assert "Dokumen sudah dibatalkan sebelumnya." in flashes(response.text)


def test_mandates_are_recorded_listed_shown_where_used_and_revoked(
    client, staff, db_session, demo_event
) -> None:
    token = page_token(client)
    bupati = find_office(db_session, KOTIM, OfficeKind.BUPATI)
    wakil = user(db_session, "wakil-bupati-62.02")
    form = {
        "csrf_token": token,
        "kind": "plt",
        "principal_office_id": str(bupati.id),
        "deputy_user_id": str(wakil.id),
        "letter_number": "800/123/BKPSDM/2019",
        "letter_date": "2019-10-20",
        "valid_from": "2019-10-20",
        "valid_until": "2019-12-31",
        "event_id": str(demo_event.id),
    }
    bad = dict(form, letter_number="", valid_until="2019-10-01")
    response = client.post("/sekretariat/mandat", data=bad, follow_redirects=True)
    messages = flashes(response.text)
    assert "Nomor surat mandat wajib diisi." in messages
    assert "Tanggal akhir berlaku sebelum tanggal mulai." in messages
    holder = user(db_session, "bupati-62.02")
    response = client.post(
        "/sekretariat/mandat", data=dict(form, deputy_user_id=str(holder.id)), follow_redirects=True
    )
    assert any("tidak memerlukan mandat" in m for m in flashes(response.text))
    db_session.rollback()
    assert count_rows(db_session, Mandate) == 0

    response = client.post("/sekretariat/mandat", data=form, follow_redirects=True)
    assert "Mandat Plt. (Pelaksana Tugas) dicatat." in flashes(response.text)
    db_session.rollback()
    mandate = db_session.execute(sa.select(Mandate)).scalar_one()
    assert (mandate.kind, mandate.letter_number, mandate.event_id) == (
        MandateKind.PLT,
        "800/123/BKPSDM/2019",
        demo_event.id,
    )
    assert mandate.deputy_office.kind == OfficeKind.WAKIL_BUPATI
    listing = client.get("/sekretariat/mandat").text
    assert f'data-mandate="{mandate.id}"' in listing and "800/123/BKPSDM/2019" in listing

    # A signature made under it shows on the commitment page.
    region = db_session.get(Region, bupati.region_id)
    (commitment,) = make_commitments(db_session, demo_event, [region])
    signed = act(
        db_session,
        commitment,
        SlotRole.KEPALA_DAERAH,
        ActKind.SIGN,
        name="H.M. Taufik Mukri",
        office_title="Wakil Bupati Kotawaringin Timur",
        capacity=Capacity.PLT,
    )
    signed.mandate_id = mandate.id
    db_session.commit()
    page = client.get(f"/sekretariat/komitmen/{commitment.id}").text
    section = page.split('id="h-mandat"')[1].split("</section>")[0]
    assert "H.M. Taufik Mukri sebagai Plt. Bupati Kotawaringin Timur" in section
    assert "surat 800/123/BKPSDM/2019 tanggal 20 Oktober 2019" in section
    board = client.get(f"/sekretariat/acara/{demo_event.id}").text
    assert "ditandatangani oleh Wakil Bupati H.M. Taufik Mukri sebagai Plt." in board

    response = client.post(
        f"/sekretariat/mandat/{mandate.id}/cabut",
        data={"csrf_token": token, "reason": "Bupati kembali bertugas"},
        follow_redirects=True,
    )
    assert "Mandat dicabut." in flashes(response.text)
    db_session.rollback()
    db_session.expire_all()
    assert db_session.get(Mandate, mandate.id).revoked_at is not None
    actions = (
        db_session.execute(sa.select(AuditEntry.action).where(AuditEntry.object_type == "mandate"))
        .scalars()
        .all()
    )
    assert actions == ["mandate.create", "mandate.revoke"]
    again = client.post(
        f"/sekretariat/mandat/{mandate.id}/cabut", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Mandat sudah dicabut sebelumnya." in flashes(again.text)


def test_a_mandate_that_puts_one_person_in_two_slots_is_recorded_with_a_warning(
    client, staff, db_session, demo_event
) -> None:
    """An a.n. Gubernur mandate for the Wakil Gubernur, who is also the first witness."""
    gubernur = db_session.execute(
        sa.select(Office).where(Office.kind == OfficeKind.GUBERNUR)
    ).scalar_one()
    wakil = user(db_session, "wakil-gubernur")
    form = {
        "csrf_token": page_token(client),
        "kind": "an",
        "principal_office_id": str(gubernur.id),
        "deputy_user_id": str(wakil.id),
        "letter_number": "100/45/2019",
        "letter_date": "2019-10-20",
        "valid_from": "2019-10-20",
    }
    response = client.post("/sekretariat/mandat", data=form, follow_redirects=True)
    messages = flashes(response.text)
    assert "Mandat a.n. (atas nama) dicatat." in messages
    [warning] = [m for m in messages if m.startswith("Perhatian:")]
    assert "Wakil Gubernur Kalimantan Tengah" in warning
    assert "a.n. Gubernur Kalimantan Tengah" in warning
    assert "harus diisi orang lain" in warning
    db_session.rollback()
    assert count_rows(db_session, Mandate) == 1
