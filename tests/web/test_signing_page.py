"""The signing page and its act: the rakor scene through the browser's forms, and bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from signing.commitments.storage import current_pdf
from signing.models import (
    ActKind,
    AuditEntry,
    AuthSession,
    Capacity,
    Commitment,
    Revision,
    User,
)
from signing.pades.fields import list_signature_fields
from signing.pades.verify import signed_field_names

from .conftest import PASSPHRASE, acts_of, audit_since, last_audit_id, sign_form
from .world import KOTIM

MARK = re.compile(r'<span class="mark[^"]*"\s+data-field="([^"]+)" style="([^"]+)"')


def _pdf(db_session, commitment_id: int) -> bytes:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return current_pdf(db_session, db_session.get(Commitment, commitment_id))


def test_wakil_bupati_sees_only_paraf_and_why(world, make_browser, db_session) -> None:
    page = make_browser("wakil-bupati-62.02").get(f"/komitmen/{world[KOTIM]}")
    assert page.status_code == 200
    choices = re.findall(r'name="choice" value="([^"]+)"', page.text)
    assert choices == ["kepala_daerah:paraf:stand_in"]
    assert "tanpa mandat (Plt./Plh./a.n.) yang tercatat" in page.text
    assert "tanda tangan Bupati Kotawaringin Timur sendiri masih diperlukan" in page.text
    assert (
        "Anda memaraf Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur mewakili Bupati "
        "Kotawaringin Timur" in page.text
    )


def test_the_highlight_sits_where_the_field_is(world, make_browser, db_session) -> None:
    page = make_browser("bupati-62.02").get(f"/komitmen/{world[KOTIM]}")
    marks = dict(MARK.findall(page.text))
    commitment = db_session.get(Commitment, world[KOTIM])
    slot = commitment.slot("kepala_daerah")
    assert set(marks) == {slot.field_name, slot.paraf_field_name}
    fields = {f.name: f for f in list_signature_fields(_pdf(db_session, world[KOTIM]))}
    field = fields[slot.field_name]
    style = dict(part.split(":") for part in marks[slot.field_name].split(";"))
    # A4 portrait in points: the CSS percentages are the field's rectangle over the page.
    width, height = 595.2756, 841.8898
    x1, y1, x2, y2 = field.rect
    assert float(style["left"].rstrip("%")) == pytest.approx(100 * x1 / width, abs=0.01)
    assert float(style["top"].rstrip("%")) == pytest.approx(100 * (height - y2) / height, abs=0.01)
    assert float(style["width"].rstrip("%")) == pytest.approx(100 * (x2 - x1) / width, abs=0.01)
    # The highlighted field is on the page image it names.
    assert f'id="halaman-{field.page + 1}"' in page.text
    section = page.text.split(f'id="halaman-{field.page + 1}"')[1].split("</figure>")[0]
    assert slot.field_name in section


def test_paraf_witnesses_and_the_bupati_signature(world, make_browser, db_session) -> None:
    kotim = world[KOTIM]
    wakil = make_browser("wakil-bupati-62.02")
    response = wakil.post(f"/komitmen/{kotim}/tindakan", sign_form("kepala_daerah:paraf:stand_in"))
    assert response.status_code == 303
    done = wakil.get(response.headers["Location"])
    assert "Paraf Anda telah dibubuhkan" in done.text
    assert "Unduh PDF terbaru" in done.text
    [paraf] = acts_of(db_session, kotim)[-1:]
    assert paraf.kind is ActKind.PARAF and paraf.capacity is Capacity.STAND_IN
    # The page now shows the new revision (the act's, with its document time stamp on top).
    stamp = db_session.execute(
        sa.select(Revision.sha256).where(Revision.parent_sha256 == paraf.sha256_after)
    ).scalar_one()
    assert f"rev={stamp[:16]}" in done.text

    for username, role in (
        ("wakil-gubernur", "saksi_wakil_gubernur"),
        ("ketua-dprd-provinsi", "saksi_ketua_dprd_provinsi"),
    ):
        witness = make_browser(username)
        page = witness.get(f"/komitmen/{kotim}")
        assert f'<option value="{paraf.id}"' in page.text
        assert "Anda menyaksikan paraf H.M. Taufik Mukri" in page.text
        response = witness.post(
            f"/komitmen/{kotim}/tindakan",
            sign_form(f"{role}:witness:holder", attests=str(paraf.id)),
        )
        assert response.status_code == 303, response.text
        assert acts_of(db_session, kotim)[-1].attests_act_id == paraf.id

    bupati = make_browser("bupati-62.02")
    page = bupati.get(f"/komitmen/{kotim}")
    assert re.findall(r'name="choice" value="([^"]+)"', page.text) == [
        "kepala_daerah:sign:holder",
        "kepala_daerah:decline:holder",
    ]
    assert (
        "Anda menandatangani Komitmen Bersama PTSP Prima Kabupaten Kotawaringin Timur sebagai "
        "Bupati Kotawaringin Timur." in page.text
    )
    response = bupati.post(f"/komitmen/{kotim}/tindakan", sign_form("kepala_daerah:sign:holder"))
    assert response.status_code == 303
    commitment = db_session.get(Commitment, kotim)
    slot = commitment.slot("kepala_daerah")
    download = bupati.get(f"/dokumen/{kotim}.pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    signed = signed_field_names(download.data)
    assert {slot.field_name, slot.paraf_field_name} <= signed
    assert download.data == _pdf(db_session, kotim)


def test_a_double_submit_answers_already_done_and_signs_once(
    world, make_browser, db_session
) -> None:
    bupati = make_browser("bupati-62.02")
    form = sign_form("kepala_daerah:sign:holder")
    first = bupati.post(f"/komitmen/{world[KOTIM]}/tindakan", form)
    second = bupati.post(f"/komitmen/{world[KOTIM]}/tindakan", form)
    assert first.status_code == 303
    assert second.status_code == 409
    assert "Sudah dilakukan." in second.text
    signs = [a for a in acts_of(db_session, world[KOTIM]) if a.kind is ActKind.SIGN]
    assert len(signs) == 1
    revisions = db_session.execute(
        sa.select(Revision.label).where(Revision.commitment_id == world[KOTIM])
    ).scalars()
    assert list(revisions).count("sign") == 1
    refusals = [e for e in audit_since(db_session) if e.action == "act.refused"]
    assert refusals[-1].details["code"] == "already_done"


def test_wrong_passphrase_is_refused_counted_and_throttled(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.02")
    start = last_audit_id(db_session)
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    first = bupati.post(url, sign_form("kepala_daerah:sign:holder", passphrase="salah-salah"))
    assert first.status_code == 422
    assert "Frasa sandi penandatanganan salah. Sisa percobaan: 4." in first.text
    assert 'role="alert"' in first.text
    statuses = [
        bupati.post(url, sign_form("kepala_daerah:sign:holder", passphrase="salah")).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [422, 422, 422]
    assert statuses[-1] == 429
    # Even the right passphrase is refused while the key is locked.
    locked = bupati.post(url, sign_form("kepala_daerah:sign:holder"))
    assert locked.status_code == 429
    assert acts_of(db_session, world[KOTIM]) == []
    actions = [e.action for e in audit_since(db_session, start)]
    assert actions.count("pki.passphrase_failed") == 5
    assert "pki.passphrase_locked" in actions
    assert "act.refused" in actions


def test_form_problems_are_refused_before_anything_is_signed(
    world, make_browser, db_session
) -> None:
    bupati = make_browser("bupati-62.02")
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    start = last_audit_id(db_session)
    unconfirmed = bupati.post(
        url, {"choice": "kepala_daerah:sign:holder", "passphrase": PASSPHRASE}
    )
    assert unconfirmed.status_code == 422
    assert "Centang pernyataan" in unconfirmed.text
    no_passphrase = bupati.post(url, sign_form("kepala_daerah:sign:holder", passphrase=""))
    assert no_passphrase.status_code == 422
    assert "Masukkan frasa sandi" in no_passphrase.text
    no_reason = bupati.post(url, sign_form("kepala_daerah:decline:holder"))
    assert no_reason.status_code == 422
    assert "Penolakan memerlukan alasan" in no_reason.text
    nonsense = bupati.post(url, sign_form("kepala_daerah:teleport:holder"))
    assert nonsense.status_code == 422
    assert acts_of(db_session, world[KOTIM]) == []
    codes = [
        e.details.get("code") for e in audit_since(db_session, start) if e.action == "act.refused"
    ]
    assert codes == ["not_confirmed", "passphrase_required", "reason_required", "no_choice"]


def test_decline_with_a_reason(world, make_browser, db_session) -> None:
    ketua = make_browser("ketua-dprd-62.02")
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    form = {"choice": "ketua_dprd:decline:holder", "reason": "Poin 3 belum dibahas", "confirm": "1"}
    # A decline is an act: without the signing passphrase it is refused.
    refused = ketua.post(url, form)
    assert refused.status_code == 422
    assert "Masukkan frasa sandi" in refused.text
    assert acts_of(db_session, world[KOTIM]) == []
    response = ketua.post(url, {**form, "passphrase": PASSPHRASE})
    assert response.status_code == 303
    [act] = acts_of(db_session, world[KOTIM])
    assert act.kind is ActKind.DECLINE and act.reason == "Poin 3 belum dibahas"
    page = ketua.get(response.headers["Location"])
    assert "Penolakan Anda telah dicatat" in page.text


def test_a_slot_that_is_not_yours_is_403_with_a_message(world, make_browser, db_session) -> None:
    ketua = make_browser("ketua-dprd-62.02")
    response = ketua.post(
        f"/komitmen/{world[KOTIM]}/tindakan", sign_form("kepala_daerah:sign:holder")
    )
    assert response.status_code == 403
    assert "Ini bukan bagian tanda tangan Anda" in response.text
    assert acts_of(db_session, world[KOTIM]) == []


def test_no_csrf_token_no_act(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.02")
    response = bupati.post(
        f"/komitmen/{world[KOTIM]}/tindakan", sign_form("kepala_daerah:sign:holder"), csrf=False
    )
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert acts_of(db_session, world[KOTIM]) == []


def test_an_expired_session_sends_to_login_and_signs_nothing(
    world, make_browser, db_session
) -> None:
    bupati = make_browser("bupati-62.02")
    token = bupati.csrf()
    # The login ends elsewhere (logout on another device, password change, admin).
    user = db_session.execute(sa.select(User).where(User.username == "bupati-62.02")).scalar_one()
    db_session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user.id)
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    db_session.commit()
    response = bupati.post(
        f"/komitmen/{world[KOTIM]}/tindakan",
        sign_form("kepala_daerah:sign:holder", csrf_token=token),
    )
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]
    assert acts_of(db_session, world[KOTIM]) == []


def test_a_recorded_mandate_offers_the_signature_as_plt(world, make_browser, db_session) -> None:
    from signing.workflow.operations import record_mandate

    commitment = db_session.get(Commitment, world[KOTIM])
    wakil = db_session.execute(
        sa.select(User).where(User.username == "wakil-bupati-62.02")
    ).scalar_one()
    record_mandate(
        db_session,
        principal_office=commitment.slot("kepala_daerah").office,
        deputy_user=wakil,
        kind="plt",
        letter_number="100.3.3.2/123/2019",
        letter_date=dt.date(2019, 10, 1),
        valid_from=dt.date(2019, 10, 1),
        valid_until=None,
        actor="test",
    )
    db_session.commit()
    browser = make_browser("wakil-bupati-62.02")
    page = browser.get(f"/komitmen/{world[KOTIM]}")
    choices = re.findall(r'name="choice" value="([^"]+)"', page.text)
    assert choices[0] == "kepala_daerah:sign:plt"
    assert "kepala_daerah:paraf:plt" in choices
    assert "sebagai Plt. Bupati Kotawaringin Timur (surat mandat 100.3.3.2/123/2019)" in page.text
    response = browser.post(f"/komitmen/{world[KOTIM]}/tindakan", sign_form(choices[0]))
    assert response.status_code == 303
    act = acts_of(db_session, world[KOTIM])[-1]
    assert act.kind is ActKind.SIGN and act.capacity is Capacity.PLT and act.mandate_id


def test_page_images_follow_the_current_revision(world, make_browser, db_session) -> None:
    bupati = make_browser("bupati-62.02")
    before = bupati.get(f"/dokumen/{world[KOTIM]}/halaman/3.png")
    assert before.status_code == 200 and before.mimetype == "image/png"
    assert bupati.get(f"/dokumen/{world[KOTIM]}/halaman/99.png").status_code == 404
    bupati.post(f"/komitmen/{world[KOTIM]}/tindakan", sign_form("kepala_daerah:sign:holder"))
    after = bupati.get(f"/dokumen/{world[KOTIM]}/halaman/3.png")
    # The signature appearance is drawn on the page image of the new revision.
    assert after.data != before.data
    entries = [e.action for e in audit_since(db_session)]
    assert "act.sign" in entries
    assert db_session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar() > 0


def test_a_voided_version_points_to_the_new_one(app, world, make_browser) -> None:
    from signing.workflow.operations import void_commitment

    with app.app_context():
        from signing import db

        old = db.session.get(Commitment, world[KOTIM])
        new = void_commitment(db.session, old, "Salah nama pejabat", actor="test")
        db.session.commit()
        new_id = new.id
    bupati = make_browser("bupati-62.02")
    page = bupati.get(f"/komitmen/{world[KOTIM]}")
    assert page.status_code == 200
    assert "telah dibatalkan (Salah nama pejabat)" in page.text
    assert f"/komitmen/{new_id}" in page.text
    assert 'name="choice"' not in page.text
    refused = bupati.post(
        f"/komitmen/{world[KOTIM]}/tindakan", sign_form("kepala_daerah:sign:holder")
    )
    assert refused.status_code == 409
    assert "dibatalkan" in refused.text
    inbox = bupati.get("/kotak-masuk")
    assert f"/komitmen/{new_id}" in inbox.text
    assert f'/komitmen/{world[KOTIM]}"' not in inbox.text
