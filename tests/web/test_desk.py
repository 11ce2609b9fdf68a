"""The signing desk: officials one after the other on the secretariat's shared device."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from signing.models import ActKind, Capacity, Commitment, DeskTurn, TurnOutcome

from .conftest import PASSPHRASE, TEST_PASSWORD, Browser, acts_of, audit_since, last_audit_id
from .world import KOBAR, KOTIM

GRANT = re.compile(r'name="grant" value="([^"]+)"')
TURN = re.compile(r'name="turn" value="([^"]+)"')


class DeskDevice:
    """The shared device: a secretariat login with a desk open on the world's event."""

    def __init__(self, browser: Browser, event_id: int) -> None:
        self.browser = browser
        response = browser.post("/meja/buka", {"event_id": str(event_id)})
        assert response.status_code == 303

    def board(self, query: str = "") -> tuple[str, str]:
        page = self.browser.get("/meja/papan" + query)
        assert page.status_code == 200, page.text
        return page.text, TURN.search(page.text).group(1)

    def login(self, username: str, password: str = TEST_PASSWORD, turn: str | None = None, **extra):  # type: ignore[no-untyped-def]
        if turn is None:
            _page, turn = self.board()
        return self.browser.post(
            "/meja/masuk", {"turn": turn, "username": username, "password": password, **extra}
        )

    def session(self) -> dict:
        with self.browser.client.session_transaction() as data:
            return dict(data)


def _turns(db_session) -> list[DeskTurn]:  # type: ignore[no-untyped-def]
    db_session.rollback()
    return list(db_session.execute(sa.select(DeskTurn).order_by(DeskTurn.id)).scalars())


@pytest.fixture()
def device(world, make_browser, db_session) -> DeskDevice:  # type: ignore[no-untyped-def]
    event_id = db_session.get(Commitment, world[KOTIM]).event_id
    return DeskDevice(make_browser("sekretariat"), event_id)


def _grant(response) -> str:  # type: ignore[no-untyped-def]
    match = GRANT.search(response.text)
    assert match, response.text[:3000]
    return match.group(1)


def _act(device: DeskDevice, grant: str, commitment_id: int, choice: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "grant": grant,
        "commitment_id": str(commitment_id),
        "choice": choice,
        "passphrase": PASSPHRASE,
        "confirm": "1",
        **extra,
    }
    return device.browser.post("/meja/tindakan", data)


def test_a_round_paraf_then_the_witness_right_after(device, world, db_session) -> None:
    kotim = world[KOTIM]
    start = last_audit_id(db_session)
    _page, turn = device.board()
    before = device.session()

    login = device.login("wakil-bupati-62.02", turn=turn)
    assert login.status_code == 200
    assert "Set-Cookie" not in login.headers
    assert login.headers["Cache-Control"].startswith("no-store")
    assert "Anda masuk sebagai <strong>H.M. Taufik Mukri</strong>" in login.text
    grant = _grant(login)
    step = device.browser.post("/meja/langkah", {"grant": grant, "commitment_id": str(kotim)})
    assert step.status_code == 200 and "Set-Cookie" not in step.headers
    assert 'value="kepala_daerah:paraf:stand_in"' in step.text
    assert "tanpa mandat (Plt./Plh./a.n.) yang tercatat" in step.text
    done = _act(device, grant, kotim, "kepala_daerah:paraf:stand_in")
    assert done.status_code == 303 and "Set-Cookie" not in done.headers
    # Nothing of the official's visit was written to the device's session.
    assert device.session() == before

    [paraf] = acts_of(db_session, kotim)
    assert paraf.kind is ActKind.PARAF and paraf.capacity is Capacity.STAND_IN
    assert paraf.actor_name == "H.M. Taufik Mukri"

    board = device.browser.get(done.headers["Location"])
    assert "Paraf tercatat" in board.text and "telah keluar otomatis" in board.text
    links = re.findall(r'href="(/meja/papan\?[^"]*saksi=\d+[^"]*)"', board.text)
    assert len(links) == 2
    assert "Saksi berikutnya: Wakil Gubernur Kalimantan Tengah" in board.text
    target_page, turn = device.board("?" + links[0].split("?", 1)[1].replace("&amp;", "&"))
    assert "Berikutnya: Wakil Gubernur Kalimantan Tengah" in target_page
    hidden = dict(re.findall(r'name="(komitmen|peran|saksi)" value="([^"]+)"', target_page))
    witness = device.login("wakil-gubernur", turn=turn, **hidden)
    # Straight to the signing step with the witness act and the paraf preselected.
    assert 'value="saksi_wakil_gubernur:witness:holder" checked' in witness.text
    assert f'<option value="{paraf.id}" selected' in witness.text
    attested = _act(
        device,
        _grant(witness),
        kotim,
        "saksi_wakil_gubernur:witness:holder",
        attests=str(paraf.id),
    )
    assert attested.status_code == 303
    assert acts_of(db_session, kotim)[-1].attests_act_id == paraf.id

    actions = [e.action for e in audit_since(db_session, start)]
    for expected in (
        "desk.official_login",
        "desk.step",
        "act.paraf",
        "desk.grant_used",
        "act.witness",
    ):
        assert expected in actions
    assert actions.index("desk.official_login") < actions.index("act.paraf")
    uses = [e for e in audit_since(db_session, start) if e.action == "desk.grant_used"]
    assert [u.details["outcome"] for u in uses] == ["act", "act"]
    assert uses[0].details["act_id"] == paraf.id


def test_the_next_official_cannot_see_or_use_the_previous_one(device, world, db_session) -> None:
    kobar = world[KOBAR]
    first = device.login("gubernur")
    first_grant = _grant(first)
    assert "Kotawaringin Barat" in first.text
    assert _act(device, first_grant, kobar, "gubernur:sign:holder").status_code == 303
    # The first official's grant is spent: no second act with it, not even another document.
    replay = _act(device, first_grant, world[KOTIM], "gubernur:sign:holder")
    assert replay.status_code in (401, 409)
    again = device.browser.post("/meja/langkah", {"grant": first_grant, "commitment_id": kobar})
    assert again.status_code in (401, 409)
    assert "Anda masuk sebagai" not in again.text

    second = device.login("ketua-dprd-62.02")
    assert second.status_code == 200
    assert "Pejabat Contoh Gubernur" not in second.text
    assert "Anda masuk sebagai" in second.text and first_grant not in second.text
    second_grant = _grant(second)
    # The second official cannot act as the first through the form: the slot is not theirs.
    forged = _act(device, second_grant, kobar, "gubernur:sign:holder")
    assert forged.status_code == 403
    assert "bukan bagian tanda tangan Anda" in forged.text
    signs = [a for a in acts_of(db_session, kobar) if a.kind is ActKind.SIGN]
    assert [a.actor_name for a in signs].count(signs[-1].actor_name) == 1
    assert len(signs) == 3


def test_back_and_resubmit_after_the_board_was_shown_is_refused(device, world, db_session) -> None:
    _page, turn = device.board()
    login = device.login("wakil-bupati-62.02", turn=turn)
    grant = _grant(login)
    device.board()  # the official walked away; the page refreshed to the board
    replayed_login = device.login("wakil-bupati-62.02", turn=turn)
    assert replayed_login.status_code == 409
    assert "kedaluwarsa" in replayed_login.text
    stale = device.browser.post("/meja/langkah", {"grant": grant, "commitment_id": world[KOTIM]})
    assert stale.status_code == 401
    assert "sudah tidak berlaku" in stale.text
    assert acts_of(db_session, world[KOTIM]) == []
    refusals = [e.details["code"] for e in audit_since(db_session) if e.action == "desk.refused"]
    assert refusals == ["login_stale", "grant_stale"]


def test_cancel_spends_the_grant(device, world, db_session) -> None:
    login = device.login("wakil-bupati-62.02")
    grant = _grant(login)
    cancelled = device.browser.post("/meja/batal", {"grant": grant})
    assert cancelled.status_code == 303
    _act(device, grant, world[KOTIM], "kepala_daerah:paraf:stand_in")
    assert acts_of(db_session, world[KOTIM]) == []
    uses = [e for e in audit_since(db_session) if e.action == "desk.grant_used"]
    assert uses[-1].details["outcome"] == "cancel"


def test_an_expired_grant_is_refused(device, world, db_session, app) -> None:
    app.config["DESK_GRANT_SECONDS"] = -1  # the server sets the turn's deadline in the past
    grant = _grant(device.login("wakil-bupati-62.02"))
    response = _act(device, grant, world[KOTIM], "kepala_daerah:paraf:stand_in")
    assert response.status_code == 401
    assert "habis" in response.text
    assert acts_of(db_session, world[KOTIM]) == []
    assert _turns(db_session)[-1].outcome is TurnOutcome.EXPIRED


def test_a_wrong_passphrase_on_the_desk_may_be_retried(device, world, db_session) -> None:
    grant = _grant(device.login("wakil-bupati-62.02"))
    wrong = _act(
        device, grant, world[KOTIM], "kepala_daerah:paraf:stand_in", passphrase="salah-lagi"
    )
    assert wrong.status_code == 422
    assert "Frasa sandi penandatanganan salah" in wrong.text
    assert _grant(wrong) == grant
    assert _act(device, grant, world[KOTIM], "kepala_daerah:paraf:stand_in").status_code == 303


def test_bad_credentials_and_non_officials_do_not_get_in(device, world, db_session) -> None:
    start = last_audit_id(db_session)
    wrong = device.login("bupati-62.02", password="bukan-kata-sandinya")
    assert wrong.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in wrong.text
    assert GRANT.search(wrong.text) is None
    staff = device.login("sekretariat")
    assert staff.status_code == 401
    assert "bukan akun pejabat" in staff.text
    actions = [e.action for e in audit_since(db_session, start)]
    assert "auth.login_failed" in actions
    assert actions.count("desk.login_refused") == 2


def test_the_open_desk_confines_the_secretariat_session(device, world, db_session) -> None:
    for url in ("/sekretariat/", "/kotak-masuk", "/", "/admin/audit"):
        response = device.browser.get(url)
        assert response.status_code == 302, url
        assert "/meja/papan" in response.headers["Location"]
    own = device.browser.get(f"/dokumen/{world[KOTIM]}/halaman/1.png")
    assert own.status_code == 200
    # Not even logout: an official must not be able to swap the desk for a login of their own.
    logout = device.browser.post("/keluar")
    assert logout.status_code == 302 and "/meja/papan" in logout.headers["Location"]
    assert "Mode Meja Tanda Tangan aktif" in device.browser.get(logout.headers["Location"]).text
    closing = device.browser.post("/meja/tutup", {"password": "salah"})
    assert closing.status_code == 401
    assert device.browser.get("/sekretariat/").status_code == 302
    closed = device.browser.post("/meja/tutup", {"password": TEST_PASSWORD})
    assert closed.status_code == 303
    assert device.browser.get("/sekretariat/").status_code == 200
    actions = [e.action for e in audit_since(db_session)]
    assert {"desk.open", "desk.close_refused", "desk.close"} <= set(actions)


def test_the_desk_refuses_documents_of_another_event(app, device, world) -> None:
    import datetime as dt

    from signing.commitments.generation import generate_commitment
    from signing.models import Event, Region

    with app.app_context():
        from signing import db

        event = Event(
            name="Acara lain",
            date=dt.date(2020, 1, 1),
            place="Sampit",
            province_code="62",
            points=["Membentuk PTSP Prima."],
        )
        db.session.add(event)
        db.session.flush()
        region = db.session.query(Region).filter_by(kemendagri_code="62.02").one()
        other = generate_commitment(db.session, event, region, actor="test").id
        db.session.commit()
    response = device.browser.get(f"/dokumen/{other}/halaman/1.png")
    assert response.status_code == 302
    login = device.login("bupati-62.02")
    step = device.browser.post("/meja/langkah", {"grant": _grant(login), "commitment_id": other})
    assert step.status_code == 403
    assert "bukan bagian dari acara meja ini" in step.text


def _cookie(device: DeskDevice) -> str:
    return device.browser.client.get_cookie("signing_session").value


def _replay(device: DeskDevice, value: str) -> None:
    device.browser.client.set_cookie("signing_session", value)


def test_a_replayed_cookie_does_not_revive_a_turn_the_board_closed(
    device, world, db_session
) -> None:
    """Issue 17 finding 10: the official walked away, the board was shown, and the old cookie
    (naming the old turn) was replayed with the old grant to decline."""
    grant = _grant(device.login("wakil-bupati-62.02"))
    old_cookie = _cookie(device)
    device.board()
    _replay(device, old_cookie)
    declined = _act(
        device, grant, world[KOTIM], "kepala_daerah:decline:stand_in", reason="Tidak setuju"
    )
    assert declined.status_code == 401
    assert "sudah tidak berlaku" in declined.text
    step = device.browser.post("/meja/langkah", {"grant": grant, "commitment_id": world[KOTIM]})
    assert step.status_code == 401 and "Anda masuk sebagai" not in step.text
    assert acts_of(db_session, world[KOTIM]) == []
    outcomes = [t.outcome for t in _turns(db_session)]
    assert TurnOutcome.SUPERSEDED in outcomes


def test_a_replayed_cookie_does_not_revive_a_finished_officials_turn(
    device, world, db_session
) -> None:
    first = device.login("gubernur")
    grant = _grant(first)
    old_cookie = _cookie(device)
    assert _act(device, grant, world[KOBAR], "gubernur:sign:holder").status_code == 303
    _replay(device, old_cookie)
    again = _act(device, grant, world[KOTIM], "gubernur:decline:holder", reason="Replay")
    assert again.status_code == 409
    assert "sudah dipakai" in again.text
    # Nor can the old turn take a new login: it is closed on the server.
    old_turn = _turns(db_session)[0]
    assert TURN.search(device.browser.get("/meja/papan").text).group(1) != old_turn.token
    _replay(device, old_cookie)
    relogin = device.login("bupati-62.02", turn=old_turn.token)
    assert relogin.status_code == 409 and GRANT.search(relogin.text) is None
    finished = [t for t in _turns(db_session) if t.outcome is TurnOutcome.ACT]
    assert len(finished) == 1 and finished[0].act_id is not None
    assert [a.kind for a in acts_of(db_session, world[KOTIM])] == []


def test_tambah_waktu_moves_the_deadline_a_limited_number_of_times(
    device, world, db_session, app
) -> None:
    app.config["DESK_MAX_EXTENSIONS"] = 2
    login = device.login("wakil-bupati-62.02")
    grant = _grant(login)
    assert "Tambah waktu" in login.text and 'http-equiv="refresh"' not in login.text
    first_deadline = _turns(db_session)[-1].expires_at
    headers = {"Accept": "application/json"}
    answers = [
        device.browser.client.post(
            "/meja/tambah-waktu",
            data={"grant": grant, "csrf_token": device.browser.csrf()},
            headers=headers,
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 409]
    assert answers[0].json["extensions_left"] == 1 and answers[1].json["extensions_left"] == 0
    assert "tidak dapat ditambah lagi" in answers[2].json["message"]
    turn = _turns(db_session)[-1]
    assert turn.extensions == 2 and turn.expires_at >= first_deadline
    assert [e.action for e in audit_since(db_session)].count("desk.extend") == 2
    # Without script the form answers the page again, with the grant still good.
    page = device.browser.post("/meja/tambah-waktu", {"grant": grant})
    assert page.status_code == 409 and _grant(page) == grant
    assert _act(device, grant, world[KOTIM], "kepala_daerah:paraf:stand_in").status_code == 303


def test_a_turn_takes_one_official(device, world, db_session) -> None:
    _page, turn = device.board()
    first = device.login("wakil-bupati-62.02", turn=turn)
    assert first.status_code == 200
    # The same login form posted again (Back + resubmit) cannot bring a second official in.
    second = device.login("bupati-62.02", turn=turn)
    assert second.status_code == 409 and GRANT.search(second.text) is None
    turns = _turns(db_session)
    assert len([t for t in turns if t.official_id is not None]) == 1
