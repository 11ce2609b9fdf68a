"""One read rule, two doors: roles x commitments through the web and the API, same answers.

The rule (docs/access.md, :mod:`signing.workflow.access`): secretariat and administrators read
everything; an official reads a commitment while a slot on it concerns them in any capacity,
or once they have acted on it; nobody else and no inactive account reads anything.

The world (tests/web/world.py): Kotawaringin Timur untouched, Kotawaringin Barat and Kapuas
signed by both regional parties, Palangka Raya untouched. On top of it: the Wakil Bupati of
Kapuas holds a Plt. mandate for his Bupati; the Wakil Bupati of Kotawaringin Timur signs as Plt.
Bupati, then his mandate is revoked and he leaves office; the Bupati of Kotawaringin Barat, who
signed his commitment, leaves office; the Ketua DPRD of Kotawaringin Timur is disabled.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from signing.models import ActKind, Commitment, Event, SlotRole, User
from tests.api.contract import ApiClient
from tests.workflow.conftest import Desk

from .world import KAPUAS, KOBAR, KOTIM, PALANGKA

ALL = {KOTIM, KOBAR, KAPUAS, PALANGKA}
#: account -> the regions whose commitment it may read.
EXPECTED: dict[str, set[str]] = {
    "sekretariat": ALL,
    "admin": ALL,
    # The Gubernur's slot is on every commitment of the province.
    "gubernur": ALL,
    "bupati-62.02": {KOTIM},
    # A Wakil Bupati may paraf for his Bupati (stand-in) with or without a mandate.
    "wakil-bupati-62.03": {KAPUAS},  # with a Plt. mandate
    "wakil-bupati-62.01": {KOBAR},  # without one
    "walikota-62.71": {PALANGKA},
    # Signed Kotawaringin Barat, then left office: keeps sight of what he signed.
    "bupati-62.01": {KOBAR},
    # Signed Kotawaringin Timur as Plt., then lost the mandate and his own office.
    "wakil-bupati-62.02": {KOTIM},
    # Disabled after logging in and receiving a token: reads nothing.
    "ketua-dprd-62.02": set(),
}
OFFICIALS = [name for name in EXPECTED if name not in ("sekretariat", "admin")]


def _user(db_session, username: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(User).where(User.username == username)).scalar_one()


@pytest.fixture()
def doors(app, world, db_session, make_browser):  # type: ignore[no-untyped-def]
    """``{account: (browser, api client)}``, each logged in / holding a token, then the
    changes of the scenario (mandate, leaving office, disabling) applied."""
    from signing.api.tokens import create_token
    from signing.workflow.operations import record_mandate, revoke_mandate

    clients = {}
    for username in EXPECTED:
        browser = make_browser(username)
        _, token = create_token(db_session, _user(db_session, username), "uji", actor="test")
        db_session.commit()
        clients[username] = (browser, ApiClient(app, token))

    staff = _user(db_session, "sekretariat")
    mandates = {}
    for code, wakil in ((KAPUAS, "wakil-bupati-62.03"), (KOTIM, "wakil-bupati-62.02")):
        commitment = db_session.get(Commitment, world[code])
        mandates[code] = record_mandate(
            db_session,
            principal_office=commitment.slot("kepala_daerah").office,
            deputy_user=_user(db_session, wakil),
            kind="plt",
            letter_number=f"100.3.3.2/{code}/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor="test",
        )
    db_session.commit()
    Desk(app).act(
        world[KOTIM], SlotRole.KEPALA_DAERAH, ActKind.SIGN, "wakil-bupati-62.02", capacity="plt"
    )
    db_session.expire_all()
    revoke_mandate(db_session, db_session.merge(mandates[KOTIM]), actor=staff)
    for username in ("bupati-62.01", "wakil-bupati-62.02"):
        for holding in _user(db_session, username).holdings:
            holding.ended_on = dt.date(2019, 10, 2)
    _user(db_session, "ketua-dprd-62.02").active = False
    db_session.commit()
    return clients


def _web(browser, commitment_id: int, official: bool) -> bool:  # type: ignore[no-untyped-def]
    """Allowed on the web: the PDF opens, and for an official also the signing page
    (the secretariat's own pages are elsewhere; /komitmen/<id> is the officials' page)."""
    pdf = browser.get(f"/dokumen/{commitment_id}.pdf")
    assert pdf.status_code in (200, 403, 302), pdf.status_code
    if not official:
        return pdf.status_code == 200
    page = browser.get(f"/komitmen/{commitment_id}")
    assert page.status_code in (200, 403, 302), page.status_code
    assert (page.status_code == 200) == (pdf.status_code == 200), "page and PDF disagree"
    return pdf.status_code == 200


def _api(client: ApiClient, commitment_id: int) -> bool:
    response = client.get(f"/api/v1/commitments/{commitment_id}")
    # Refused reads look like missing ones (404); a disabled account's token is refused (401).
    assert response.status_code in (200, 401, 404), response.status_code
    return response.status_code == 200


def test_web_and_api_give_the_same_answers(world, doors) -> None:  # type: ignore[no-untyped-def]
    web, api, expected = {}, {}, {}
    for username, (browser, client) in doors.items():
        for code, commitment_id in world.items():
            key = (username, code)
            web[key] = _web(browser, commitment_id, username in OFFICIALS)
            api[key] = _api(client, commitment_id)
            expected[key] = code in EXPECTED[username]
    assert web == api
    assert api == expected


def test_the_list_agrees_with_the_single_reads(world, doors, db_session) -> None:  # type: ignore[no-untyped-def]
    event_id = db_session.get(Commitment, world[KOTIM]).event_id
    assert db_session.get(Event, event_id) is not None
    names = {commitment_id: code for code, commitment_id in world.items()}
    for username, (_, client) in doors.items():
        single = {code for code, cid in world.items() if _api(client, cid)}
        response = client.get(f"/api/v1/events/{event_id}/commitments")
        if not single:
            assert response.status_code in (401, 404), username
            continue
        assert response.status_code == 200, username
        listed = {names[c["id"]] for c in response.json["commitments"] if c["id"] in names}
        assert listed == single, username
        events = client.get("/api/v1/events").json["events"]
        assert [e["id"] for e in events] == [event_id], username


def test_the_domain_policy_lists_what_it_allows(app, world, doors, db_session) -> None:  # type: ignore[no-untyped-def]
    """The listing query and the per-object check of the policy itself, for every account."""
    from signing.workflow.access import ReadPolicy

    db_session.expire_all()
    everything = list(db_session.execute(sa.select(Commitment)).scalars())
    for username in EXPECTED:
        policy = ReadPolicy(db_session, _user(db_session, username))
        listed = {c.id for c in policy.readable_commitments()}
        assert listed == {c.id for c in everything if policy.may_read(c)}, username
        names = {cid: code for code, cid in world.items()}
        assert {names[i] for i in listed if i in names} == EXPECTED[username], username


def test_who_lost_the_mandate_sees_the_record_but_no_action(world, doors) -> None:  # type: ignore[no-untyped-def]
    """Reading is not acting: the page shows the history with his signature, and no choice."""
    browser, _ = doors["wakil-bupati-62.02"]
    page = browser.get(f"/komitmen/{world[KOTIM]}")
    assert page.status_code == 200
    assert 'name="choice"' not in page.text
    assert 'class="history"' in page.text
