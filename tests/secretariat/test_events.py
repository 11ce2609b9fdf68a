"""Event preparation: create, routing policy, text edits (refused after the first act),
readiness checklist, and batch generation of real documents."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from signing.models import ActKind, AuditEntry, Commitment, Event, OfficeKind, Region, SlotRole
from signing.regions.importer import find_office
from signing.secretariat.events import readiness
from tests.secretariat.builders import KOTIM, act, make_commitments
from tests.secretariat.conftest import flashes, page_token


def _new_event(client, **fields):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": page_token(client),
        "name": "Rapat Koordinasi Evaluasi PTSP Prima",
        "date": "2026-03-10",
        "place": "Palangka Raya",
        "province_code": "62",
        "number_prefix": "UJI/PTSP",
        "mode": "default",
        "witnesses": "from_first_act",
        "gubernur_after": "acted",
    }
    data.update(fields)
    return client.post("/sekretariat/acara/baru", data=data)


def _latest_event(db_session) -> Event:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return db_session.execute(sa.select(Event).order_by(Event.id.desc()).limit(1)).scalar_one()


def test_create_event_with_the_default_order(client, staff, db_session, demo_event) -> None:
    response = _new_event(client)
    assert response.status_code == 302
    event = _latest_event(db_session)
    assert response.headers["Location"].endswith(f"/sekretariat/acara/{event.id}/persiapan")
    assert (event.name, event.place, event.date) == (
        "Rapat Koordinasi Evaluasi PTSP Prima",
        "Palangka Raya",
        dt.date(2026, 3, 10),
    )
    assert event.routing_policy["groups"] == [["kepala_daerah", "ketua_dprd"], ["gubernur"]]
    assert event.points and event.legal_bases  # default text, editable
    entry = (
        db_session.execute(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "event.create")
            .order_by(AuditEntry.id.desc())
        )
        .scalars()
        .first()
    )
    assert entry.object_id == str(event.id)


def test_sequential_and_group_orders(client, staff, db_session, demo_event) -> None:
    _new_event(
        client,
        mode="sequential",
        nomor_kepala_daerah="2",
        nomor_ketua_dprd="1",
        nomor_gubernur="3",
        witnesses="after_parties",
    )
    event = _latest_event(db_session)
    assert event.routing_policy["mode"] == "sequential"
    assert event.routing_policy["order"] == ["ketua_dprd", "kepala_daerah", "gubernur"]
    assert event.routing_policy["witnesses"] == "after_parties"
    _new_event(
        client,
        mode="groups",
        nomor_kepala_daerah="1",
        nomor_ketua_dprd="2",
        nomor_gubernur="2",
    )
    event = _latest_event(db_session)
    assert event.routing_policy["groups"] == [["kepala_daerah"], ["ketua_dprd", "gubernur"]]


def test_bad_event_input_is_refused_and_nothing_is_created(
    client, staff, db_session, demo_event
) -> None:
    before = db_session.execute(sa.select(sa.func.count(Event.id))).scalar_one()
    response = _new_event(
        client,
        name="",
        date="24-10-2019",
        mode="sequential",
        nomor_kepala_daerah="1",
        nomor_ketua_dprd="1",
        nomor_gubernur="2",
    )
    assert response.status_code == 422
    assert "tiap pihak harus punya nomor berbeda" in response.text
    response = _new_event(client, name="", date="24-10-2019", province_code="99")
    messages = flashes(response.text)
    assert "Nama acara wajib diisi." in messages
    assert "Tanggal '24-10-2019' tidak sah (format TTTT-BB-HH)." in messages
    assert "Provinsi '99' tidak dikenal." in messages
    db_session.rollback()
    assert db_session.execute(sa.select(sa.func.count(Event.id))).scalar_one() == before


def test_text_and_order_can_change_until_the_first_act(
    client, staff, db_session, demo_event
) -> None:
    token = page_token(client)
    url = f"/sekretariat/acara/{demo_event.id}/teks"
    data = {
        "csrf_token": token,
        "legal_bases": "UU 23/2014 tentang Pemerintahan Daerah\n\nPermendagri 138/2017",
        "considerations": "bahwa pelayanan perizinan harus cepat",
        "points": "Mendelegasikan kewenangan\nMenerbitkan standar pelayanan\nMelayani daring",
    }
    response = client.post(url, data=data, follow_redirects=True)
    assert "Teks komitmen disimpan." in flashes(response.text)
    db_session.rollback()
    db_session.expire_all()  # nothing was open to roll back: drop what the session remembers
    event = db_session.get(Event, demo_event.id)
    assert event.legal_bases == ["UU 23/2014 tentang Pemerintahan Daerah", "Permendagri 138/2017"]
    assert len(event.points) == 3

    kotim = db_session.execute(
        sa.select(Region).where(Region.kemendagri_code == KOTIM)
    ).scalar_one()
    (commitment,) = make_commitments(db_session, event, [kotim])
    act(db_session, commitment, SlotRole.KETUA_DPRD, ActKind.SIGN)
    db_session.commit()

    data["points"] = "Butir yang diubah setelah ada tanda tangan"
    response = client.post(url, data=data, follow_redirects=True)
    assert any("Teks acara tidak dapat diubah" in m for m in flashes(response.text))
    response = client.post(
        f"/sekretariat/acara/{demo_event.id}/urutan",
        data={
            "csrf_token": token,
            "mode": "sequential",
            "nomor_kepala_daerah": "1",
            "nomor_ketua_dprd": "2",
            "nomor_gubernur": "3",
        },
        follow_redirects=True,
    )
    assert any("Urutan tidak dapat diubah" in m for m in flashes(response.text))
    db_session.rollback()
    db_session.expire_all()  # nothing was open to roll back: drop what the session remembers
    event = db_session.get(Event, demo_event.id)
    assert len(event.points) == 3
    assert event.routing_policy["mode"] == "default"
    page = client.get(f"/sekretariat/acara/{demo_event.id}/persiapan").text
    assert page.count("<fieldset disabled") == 2


def test_readiness_names_missing_holders_accounts_and_certificates(db_session, demo_event) -> None:
    first = readiness(db_session, demo_event)
    assert first.check("holders").ok and first.check("accounts").ok
    # No one has enrolled a signing key in this test database.
    enrolment = first.check("enrolment")
    assert not enrolment.ok
    assert any("Gubernur Kalimantan Tengah" in p for p in enrolment.problems)
    assert enrolment.checked == len(enrolment.problems)
    assert not first.check("documents").ok

    office = find_office(db_session, "62.05", OfficeKind.BUPATI)
    office.current_holder.ended_on = dt.date(2019, 1, 1)
    ketua = find_office(db_session, "62.06", OfficeKind.KETUA_DPRD)
    ketua.current_holder.user_id = None
    db_session.flush()
    second = readiness(db_session, demo_event)
    assert second.check("holders").problems == [
        "Kabupaten Barito Utara: Bupati Barito Utara belum memiliki pejabat."
    ]
    assert [p for p in second.check("accounts").problems if "Katingan" in p] == [
        f"Ketua DPRD Kabupaten Katingan ({ketua.current_holder.name}) belum ditautkan ke "
        "akun pengguna."
    ]
    db_session.rollback()


def test_readiness_is_green_once_everyone_is_enrolled(app, db_session, demo_event) -> None:
    from signing.pki import service

    with app.app_context():
        from signing import db

        session = db.session
        event = session.get(Event, demo_event.id)
        users = {
            office.current_holder.user
            for office in [
                find_office(session, region.kemendagri_code, kind)
                for region in session.execute(
                    sa.select(Region).where(Region.province_code == "62")
                ).scalars()
                for kind in (region.head_office_kind, OfficeKind.KETUA_DPRD)
            ]
            + [
                find_office(session, "62", kind)
                for kind in (
                    OfficeKind.GUBERNUR,
                    OfficeKind.WAKIL_GUBERNUR,
                    OfficeKind.KETUA_DPRD_PROVINSI,
                )
            ]
        }
        for signer in users:
            service.enrol(session, signer, "frasa-sandi-uji-1", actor="test", check_password=False)
        session.commit()
        result = readiness(session, event)
        assert result.check("enrolment").ok, result.check("enrolment").problems
        assert [c.key for c in result.checks if not c.ok] == ["documents"]


def test_generate_in_batches_as_the_progress_bar_does(
    client, staff, db_session, demo_event
) -> None:
    token = page_token(client)
    url = f"/sekretariat/acara/{demo_event.id}/buat"
    headers = {"Accept": "application/json", "X-Requested-With": "fetch"}
    # One region has lost its Bupati: it is reported, the others still generate.
    office = find_office(db_session, "62.03", OfficeKind.BUPATI)
    office.current_holder.ended_on = dt.date(2019, 1, 1)
    db_session.commit()
    after, positions, generated, errors = None, [], [], []
    for _round in range(20):
        data = {"csrf_token": token, "mode": "generate", "size": "5"}
        if after:
            data["after"] = after
        body = client.post(url, data=data, headers=headers).get_json()
        positions.append(body["position"])
        generated += body["generated"]
        errors += body["errors"]
        if body["done"]:
            break
        after = body["next"]
    total = body["total"]
    assert positions == [5, 10, total]
    assert len(generated) == total - 1
    assert [e["region"] for e in errors] == ["62.03"]
    assert "Bupati" in errors[0]["message"]
    db_session.rollback()
    made = (
        db_session.execute(sa.select(Commitment).where(Commitment.event_id == demo_event.id))
        .scalars()
        .all()
    )
    assert len(made) == total - 1 and all(c.current_sha256 for c in made)
    # Again: everything already there is skipped, nothing doubles.
    body = client.post(
        url, data={"csrf_token": token, "mode": "generate", "size": "25"}, headers=headers
    ).get_json()
    assert body["done"] and len(body["skipped"]) == total - 1 and body["generated"] == []
    # Without JavaScript: one plain POST, a message, back to the page.
    response = client.post(
        url, data={"csrf_token": token, "mode": "generate", "size": "0"}, follow_redirects=True
    )
    assert any("0 dokumen dibuat" in m for m in flashes(response.text))
    page = client.get(f"/sekretariat/acara/{demo_event.id}").text
    assert page.count("dokumen belum dibuat") >= 1
