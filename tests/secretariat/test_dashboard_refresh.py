"""The dashboard's self-refresh is cheap when nothing changed: the fragment carries an ETag, a
matching ``If-None-Match`` gets a bodiless 304 without the dashboard's queries, and anything the
board shows changes the ETag. Only staff ever get the 304."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from signing.models import ActKind, Region, SlotRole
from tests.conftest import csrf_token
from tests.secretariat.builders import KOTIM, act
from tests.secretariat.conftest import page_token
from tests.secretariat.test_dashboard_national import QueryCounter


def _url(event) -> str:  # type: ignore[no-untyped-def]
    return f"/sekretariat/acara/{event.id}/matriks"


def _cell_state(html: str, code: str, slot: str) -> str:
    row = re.search(rf'<tr data-region="{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {code}"
    cell = re.search(rf'data-slot="{slot}" data-state="(\w+)"', row.group(1))
    assert cell, f"no cell {slot}"
    return cell.group(1)


def test_an_unchanged_board_is_a_bodiless_304_with_fewer_queries(
    app, client, staff, rakor, demo_event
) -> None:
    engine = app.extensions["signing.engine"]
    with QueryCounter(engine) as full:
        first = client.get(_url(demo_event))
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache, private"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag), etag  # strong: no W/
    assert _cell_state(first.text, KOTIM, "kepala_daerah") == "paraf_only"

    with QueryCounter(engine) as cheap:
        again = client.get(_url(demo_event), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "no-cache, private"
    assert len(cheap.statements) < len(full.statements), (cheap.statements, full.statements)
    # None of the dashboard's own loading: no slots joined to their acts, no MCP history.
    assert not [s for s in cheap.statements if "LEFT OUTER JOIN acts" in s]
    assert not [s for s in cheap.statements if "ORDER BY mcp_scores.period" in s]

    # A weak form of the same tag (a compressing proxy may add W/) matches too; another does not.
    assert client.get(_url(demo_event), headers={"If-None-Match": "W/" + etag}).status_code == 304
    other = client.get(_url(demo_event), headers={"If-None-Match": '"0000"'})
    assert other.status_code == 200 and other.headers["ETag"] == etag


def test_a_new_act_changes_the_etag_and_the_board_is_sent_again(
    client, staff, db_session, rakor, demo_event
) -> None:
    etag = client.get(_url(demo_event)).headers["ETag"]
    # The Bupati of Kotawaringin Timur signs what his deputy initialled.
    act(db_session, rakor[KOTIM], SlotRole.KEPALA_DAERAH, ActKind.SIGN)
    db_session.commit()
    response = client.get(_url(demo_event), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert _cell_state(response.text, KOTIM, "kepala_daerah") == "signed"
    # And that new state is again cheap to confirm.
    confirm = client.get(_url(demo_event), headers={"If-None-Match": response.headers["ETag"]})
    assert confirm.status_code == 304


def _void(client, db_session, rakor, demo_event) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/sekretariat/komitmen/{rakor[KOTIM].id}/batalkan",
        data={"csrf_token": page_token(client), "reason": "Nama salah tulis", "reissue": "0"},
    )
    assert response.status_code == 302


def _mcp_figure(value: str):  # type: ignore[no-untyped-def]
    def enter(client, db_session, rakor, demo_event) -> None:  # type: ignore[no-untyped-def]
        response = client.post(
            "/sekretariat/mcp/nilai",
            data={
                "csrf_token": page_token(client),
                "kode_wilayah": KOTIM,
                "periode": "2019-10",
                "ptsp": value,
                "pendelegasian": value,
            },
        )
        assert response.status_code == 302

    return enter


def _rename_region(client, db_session, rakor, demo_event) -> None:  # type: ignore[no-untyped-def]
    region = db_session.execute(
        sa.select(Region).where(Region.kemendagri_code == KOTIM)
    ).scalar_one()
    region.name = region.name + " Raya"
    db_session.commit()


def _rename_region_same_length(client, db_session, rakor, demo_event) -> None:  # type: ignore[no-untyped-def]
    # As a province would do it: the registry import, with a name of the same length (no sum
    # over the regions' names sees that), e.g. a corrected spelling.
    from signing.regions.importer import import_registry, parse

    region = db_session.execute(
        sa.select(Region).where(Region.kemendagri_code == KOTIM)
    ).scalar_one()
    renamed = region.name[:-4] + "Ejaa"
    assert len(renamed) == len(region.name)
    csv = (
        "kode,tingkat,nama,kode_provinsi,nama_provinsi\n"
        f"{KOTIM},kabupaten,{renamed},62,Kalimantan Tengah\n"
    )
    regions, holders = parse(csv.encode(), ".csv")
    import_registry(db_session, regions, holders, actor="uji", source="csv")
    db_session.commit()


@pytest.mark.parametrize(
    ("before", "change", "shown"),
    [
        pytest.param(None, _void, "dibatalkan", id="void"),
        pytest.param(None, _mcp_figure("50"), "50%", id="mcp-figure-entered"),
        # A correction updates the same row in place: no new id, the weighted sums see it.
        pytest.param(_mcp_figure("50"), _mcp_figure("75"), "75%", id="mcp-figure-corrected"),
        pytest.param(None, _rename_region, "Raya", id="region-renamed"),
        pytest.param(None, _rename_region_same_length, "Ejaa", id="region-renamed-same-length"),
    ],
)
def test_what_the_board_shows_changes_the_etag(
    client, staff, db_session, rakor, demo_event, before, change, shown
) -> None:
    if before is not None:
        before(client, db_session, rakor, demo_event)
    first = client.get(_url(demo_event))
    assert shown not in re.search(rf'<tr data-region="{KOTIM}">(.*?)</tr>', first.text, re.S).group(
        1
    )
    change(client, db_session, rakor, demo_event)
    response = client.get(_url(demo_event), headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    row = re.search(rf'<tr data-region="{KOTIM}">(.*?)</tr>', response.text, re.S).group(1)
    assert shown in row


def test_the_reader_language_is_part_of_the_etag(client, staff, rakor, demo_event) -> None:
    indonesian = client.get(_url(demo_event))
    response = client.post("/bahasa/en", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    english = client.get(_url(demo_event), headers={"If-None-Match": indonesian.headers["ETag"]})
    assert english.status_code == 200
    assert english.headers["ETag"] != indonesian.headers["ETag"]


def test_only_staff_learn_that_nothing_changed(client, auth, staff, rakor, demo_event) -> None:
    etag = client.get(_url(demo_event)).headers["ETag"]
    assert client.get(_url(demo_event), headers={"If-None-Match": etag}).status_code == 304
    auth.logout()
    anonymous = client.get(_url(demo_event), headers={"If-None-Match": etag})
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert "ETag" not in anonymous.headers
    assert auth.login("bupati-62.01").status_code == 302
    official = client.get(_url(demo_event), headers={"If-None-Match": etag})
    assert official.status_code == 403
    assert "ETag" not in official.headers
    # A missing event is a 404 whatever the tag, for staff too.
    auth.logout()
    assert auth.login("sekretariat").status_code == 302
    assert (
        client.get("/sekretariat/acara/999999/matriks", headers={"If-None-Match": etag}).status_code
        == 404
    )
