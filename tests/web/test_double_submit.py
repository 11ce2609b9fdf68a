"""Double clicks that reach the server at the same moment: one act, never a second signature."""

from __future__ import annotations

import re
import threading

from signing.models import ActKind, Commitment

from .conftest import PASSPHRASE, TEST_PASSWORD, acts_of, audit_since, form_token, sign_form
from .world import KAPUAS, KOBAR, KOTIM


def _together(*calls):  # type: ignore[no-untyped-def]
    """Run the calls in threads released at once; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_simultaneous_submits_sign_once(world, make_browser, db_session) -> None:
    # Two tabs of the same official (two login sessions), submitting at the same moment.
    first, second = make_browser("bupati-62.02"), make_browser("bupati-62.02")
    url = f"/komitmen/{world[KOTIM]}/tindakan"
    form = sign_form("kepala_daerah:sign:holder")
    first.csrf(), second.csrf()
    statuses = sorted(
        r.status_code
        for r in _together(lambda: first.post(url, form), lambda: second.post(url, form))
    )
    assert statuses == [303, 409]
    assert [a.kind for a in acts_of(db_session, world[KOTIM])] == [ActKind.SIGN]


def test_one_desk_grant_used_twice_at_once_makes_one_act(world, make_browser, db_session):
    staff = make_browser("sekretariat")
    event_id = db_session.get(Commitment, world[KOBAR]).event_id
    staff.post("/meja/buka", {"event_id": str(event_id)})
    board = staff.get("/meja/papan")
    turn = re.search(r'name="turn" value="([^"]+)"', board.text).group(1)
    login = staff.post(
        "/meja/masuk", {"turn": turn, "username": "gubernur", "password": TEST_PASSWORD}
    )
    grant = re.search(r'name="grant" value="([^"]+)"', login.text).group(1)
    token = form_token(login.text)
    # A second client with the very same device cookie (the desk and its turn).
    twin = make_browser()
    cookie = staff.client.get_cookie("signing_session")
    twin.client.set_cookie("signing_session", cookie.value)

    def act(client, code: str):  # type: ignore[no-untyped-def]
        return lambda: client.post(
            "/meja/tindakan",
            {
                "csrf_token": token,
                "grant": grant,
                "commitment_id": str(world[code]),
                "choice": "gubernur:sign:holder",
                "passphrase": PASSPHRASE,
                "confirm": "1",
            },
        )

    results = _together(act(staff, KOBAR), act(twin, KAPUAS))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [303, 409], [r.text[:300] for r in results]
    refused = next(r for r in results if r.status_code == 409)
    assert "sudah dipakai untuk satu tindakan" in refused.text
    gubernur_signs = [
        a
        for code in (KOBAR, KAPUAS)
        for a in acts_of(db_session, world[code])
        if a.actor_name.startswith("Pejabat Contoh Gubernur")
    ]
    assert len(gubernur_signs) == 1
    # Refused before the act (the first had committed) or undone after it (it had not).
    entries = audit_since(db_session)
    codes = {e.details.get("code") for e in entries if e.action in ("desk.refused", "act.refused")}
    assert "grant_used" in codes
