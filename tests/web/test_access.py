"""Every document route x owner / other official / secretariat / anonymous.

The owner is the Bupati of Kotawaringin Timur (his slot is on the document), the other official
the Wali Kota of Palangka Raya (no slot on it), the secretariat its demo account. Only the
allowed combinations succeed; every refused one changes nothing (no act, no revision).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from signing.models import Commitment

from .conftest import Browser, acts_of, sign_form
from .world import KOTIM

OWNER, OTHER, SECRETARIAT, ANONYMOUS = "owner", "other", "secretariat", "anonymous"
ACTORS = {
    OWNER: "bupati-62.02",
    OTHER: "walikota-62.71",
    SECRETARIAT: "sekretariat",
    ANONYMOUS: None,
}
GRANT = re.compile(r'name="grant" value="([^"]+)"')
TURN = re.compile(r'name="turn" value="([^"]+)"')


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    #: Allowed actor -> expected status; everyone else gets 403 (anonymous: the login page).
    allowed: dict[str, int]
    #: Whether success leaves an act on the document.
    acts: bool = False
    desk: bool = False


ROUTES = [
    Route("page-image", "GET", {OWNER: 200, SECRETARIAT: 200}),
    Route("pdf", "GET", {OWNER: 200, SECRETARIAT: 200}),
    Route("signing-page", "GET", {OWNER: 200}),
    Route("act", "POST", {OWNER: 303}, acts=True),
    Route("bulk", "POST", {OWNER: 200}, acts=True),
    Route("desk-start", "GET", {SECRETARIAT: 200}, desk=True),
    Route("desk-open", "POST", {SECRETARIAT: 303}, desk=True),
    Route("desk-board", "GET", {SECRETARIAT: 200}, desk=True),
    Route("desk-login", "POST", {SECRETARIAT: 200}, desk=True),
    Route("desk-step", "POST", {SECRETARIAT: 200}, desk=True),
    Route("desk-act", "POST", {SECRETARIAT: 303}, acts=True, desk=True),
    Route("desk-cancel", "POST", {SECRETARIAT: 303}, desk=True),
    Route("desk-close", "POST", {SECRETARIAT: 303}, desk=True),
]


def _desk_state(make_browser, event_id: int, commitment_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Open a desk as the secretariat and log the owner in on it: a valid turn and grant."""
    staff: Browser = make_browser("sekretariat")
    assert staff.post("/meja/buka", {"event_id": str(event_id)}).status_code == 303
    board = staff.get("/meja/papan")
    turn = TURN.search(board.text).group(1)
    page = staff.post(
        "/meja/masuk", {"turn": turn, "username": ACTORS[OWNER], "password": "kata-sandi-uji-123"}
    )
    grant = GRANT.search(page.text).group(1)
    return {"browser": staff, "turn": turn, "grant": grant}


def _request(route: Route, client: Browser, commitment_id: int, event_id: int, state: dict):  # type: ignore[no-untyped-def]
    grant = state.get("grant", "x")
    if route.name == "page-image":
        return client.get(f"/dokumen/{commitment_id}/halaman/1.png")
    if route.name == "pdf":
        return client.get(f"/dokumen/{commitment_id}.pdf")
    if route.name == "signing-page":
        return client.get(f"/komitmen/{commitment_id}")
    if route.name == "act":
        return client.post(
            f"/komitmen/{commitment_id}/tindakan", sign_form("kepala_daerah:sign:holder")
        )
    if route.name == "bulk":
        return client.post(
            "/kotak-masuk/tanda-tangan",
            {
                "item": f"{commitment_id}:kepala_daerah",
                "passphrase": "frasa-sandi-uji-1",
                "confirm": "1",
            },
        )
    if route.name == "desk-start":
        return client.get("/meja")
    if route.name == "desk-open":
        return client.post("/meja/buka", {"event_id": str(event_id)})
    if route.name == "desk-board":
        return client.get("/meja/papan")
    if route.name == "desk-login":
        turn = state.get("turn", "x")
        if state:  # a turn takes one official: the next login is on the board's next turn
            turn = TURN.search(client.get("/meja/papan").text).group(1)
        return client.post(
            "/meja/masuk",
            {
                "turn": turn,
                "username": ACTORS[OWNER],
                "password": "kata-sandi-uji-123",
            },
        )
    if route.name == "desk-step":
        return client.post("/meja/langkah", {"grant": grant, "commitment_id": str(commitment_id)})
    if route.name == "desk-act":
        return client.post(
            "/meja/tindakan",
            {"grant": grant, "commitment_id": str(commitment_id)}
            | sign_form("kepala_daerah:sign:holder"),
        )
    if route.name == "desk-cancel":
        return client.post("/meja/batal", {"grant": grant})
    if route.name == "desk-close":
        return client.post("/meja/tutup", {"password": "kata-sandi-uji-123"})
    raise AssertionError(route.name)


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_only_allowed_combinations_succeed(
    route: Route, actor: str, app, db_session, world, make_browser
) -> None:  # type: ignore[no-untyped-def]
    commitment_id = world[KOTIM]
    event_id = db_session.get(Commitment, commitment_id).event_id
    before = len(acts_of(db_session, commitment_id))
    state: dict[str, Any] = {}
    if route.desk and actor == SECRETARIAT and route.name not in ("desk-start", "desk-open"):
        state = _desk_state(make_browser, event_id, commitment_id)
        client = state["browser"]
    else:
        client = make_browser(ACTORS[actor])

    response = _request(route, client, commitment_id, event_id, state)

    after = len(acts_of(db_session, commitment_id))
    if actor in route.allowed:
        assert response.status_code == route.allowed[actor], response.text[:2000]
        assert after == before + (1 if route.acts else 0)
    elif actor == ANONYMOUS:
        assert response.status_code == 302
        assert "/masuk" in response.headers["Location"]
        assert after == before
    else:
        assert response.status_code == 403, response.text[:2000]
        assert "Traceback" not in response.text
        assert after == before
    if route.name == "pdf" and actor in route.allowed:
        assert response.data.startswith(b"%PDF")
    if route.name == "page-image" and actor in route.allowed:
        assert response.data.startswith(b"\x89PNG")


def test_refusals_say_why_in_indonesian(world, make_browser) -> None:  # type: ignore[no-untyped-def]
    other = make_browser(ACTORS[OTHER])
    page = other.get(f"/komitmen/{world[KOTIM]}")
    assert page.status_code == 403
    assert "bukan bagian tanda tangan Anda" in page.text
    pdf = other.get(f"/dokumen/{world[KOTIM]}.pdf")
    assert "tidak memuat bagian tanda tangan Anda" in pdf.text
    staff = make_browser("sekretariat")
    refused = staff.post(
        f"/komitmen/{world[KOTIM]}/tindakan", sign_form("kepala_daerah:sign:holder")
    )
    assert refused.status_code == 403
    bulk = staff.post(
        "/kotak-masuk/tanda-tangan",
        {"item": f"{world[KOTIM]}:kepala_daerah", "passphrase": "x", "confirm": "1"},
    )
    assert "sekretariat tidak menandatangani" in bulk.text


def test_the_enrolment_page_and_the_inbox_are_for_officials(world, make_browser) -> None:  # type: ignore[no-untyped-def]
    for url in ("/kotak-masuk", "/kunci-tanda-tangan"):
        assert make_browser(ACTORS[OWNER]).get(url).status_code == 200
        assert make_browser("sekretariat").get(url).status_code == 403
        anonymous = make_browser().get(url)
        assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
