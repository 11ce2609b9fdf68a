"""Korsupgah/MCP: band schemes as data, zone edges, entry, all-or-nothing CSV import, charts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from signing.models import AuditEntry, BandScheme, McpScore, Region
from signing.secretariat import mcp
from tests.conftest import count_rows
from tests.secretariat.conftest import flashes, page_token


@pytest.fixture()
def schemes(db_session, kalteng):  # type: ignore[no-untyped-def]
    mcp.ensure_default_schemes(db_session, actor="test")
    db_session.commit()
    return mcp.load_schemes(db_session)


@pytest.fixture(scope="module")
def default_schemes() -> list[BandScheme]:
    """The seeded schemes as transient rows (the edges need no database)."""
    return [
        BandScheme(
            id=index,
            name=spec["name"],
            valid_from_period=spec["valid_from_period"],
            bands=[dict(band) for band in spec["bands"]],
        )
        for index, spec in enumerate(mcp.DEFAULT_SCHEMES, start=1)
    ]


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (100, "selesai"),
        (Decimal("99.99"), "hijau"),
        (75, "hijau"),
        (Decimal("74.99"), "hijau muda"),
        (50, "hijau muda"),
        (Decimal("49.99"), "kuning"),
        (25, "kuning"),
        (Decimal("24.99"), "merah"),
        (0, "merah"),
    ],
)
def test_2019_bands_put_an_edge_in_the_higher_zone(default_schemes, value, label) -> None:  # type: ignore[no-untyped-def]
    scheme = mcp.scheme_for_period(default_schemes, "2019-10")
    assert scheme.name == "Korsupgah KPK 2019"
    assert mcp.zone_for(value, scheme).label == label


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (100, "Terjaga"),
        (78, "Terjaga"),
        (Decimal("77.99"), "Waspada"),
        (73, "Waspada"),
        (Decimal("72.99"), "Rentan"),
        (0, "Rentan"),
    ],
)
def test_2024_bands(default_schemes, value, label) -> None:  # type: ignore[no-untyped-def]
    scheme = mcp.scheme_for_period(default_schemes, "2024-06")
    assert scheme.name == "MCP KPK 2024"
    assert mcp.zone_for(value, scheme).label == label


def test_the_scheme_of_a_period_is_the_latest_one_begun_by_then(db_session, schemes) -> None:
    assert mcp.scheme_for_period(schemes, "2018-12") is None
    assert mcp.scheme_for_period(schemes, "2019").name == "Korsupgah KPK 2019"
    assert mcp.scheme_for_period(schemes, "2023-12").name == "Korsupgah KPK 2019"
    assert mcp.scheme_for_period(schemes, "2024").name == "MCP KPK 2024"
    assert mcp.scheme_for_period(schemes, "2024-01").name == "MCP KPK 2024"
    # A new scheme is a row, not code: from 2026 a single threshold.
    mcp.create_scheme(
        db_session,
        name="Uji 2026",
        valid_from_period="2026",
        bands_text="80 baik #2e7d32\n0 kurang #c62828",
        actor="test",
    )
    db_session.commit()
    schemes = mcp.load_schemes(db_session)
    assert mcp.scheme_for_period(schemes, "2025-12").name == "MCP KPK 2024"
    assert mcp.zone_for(80, mcp.scheme_for_period(schemes, "2026-03")).label == "baik"
    assert mcp.zone_for(79, mcp.scheme_for_period(schemes, "2026-03")).label == "kurang"
    # Seeding again adds nothing.
    assert mcp.ensure_default_schemes(db_session) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("75", "75.00"), ("75,5", "75.50"), ("62.25", "62.25"), ("100%", "100.00"), ("", None)],
)
def test_percent_parsing(text, expected) -> None:  # type: ignore[no-untyped-def]
    value = mcp.parse_percent(text)
    assert (None if value is None else str(value)) == expected


@pytest.mark.parametrize("text", ["101", "100.01", "-1", "abc", "NaN", "inf", "7,125"])
def test_percent_parsing_refuses(text) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        mcp.parse_percent(text)


def _upload(client, body: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/sekretariat/mcp/impor",
        data={
            "csrf_token": page_token(client),
            "berkas": (io.BytesIO(body.encode()), "mcp.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_import_writes_every_row_and_updates_on_reimport(
    client, staff, db_session, schemes
) -> None:
    body = (
        "kode_wilayah,periode,ptsp,pendelegasian\n"
        "62,2019-10,90,100\n"
        "62.07,2019-10,100,100\n"
        "62.71,2019-10,92,20\n"
    )
    response = _upload(client, body)
    assert any("3 baris (3 baru, 0 diperbarui)" in m for m in flashes(response.text))
    db_session.rollback()
    scores = {(s.region_id, s.period): s for s in db_session.execute(sa.select(McpScore)).scalars()}
    seruyan = db_session.execute(
        sa.select(Region).where(Region.kemendagri_code == "62.07")
    ).scalar_one()
    assert scores[(None, "2019-10")].delegation_percent == Decimal("100.00")  # the province
    assert scores[(seruyan.id, "2019-10")].ptsp_percent == Decimal("100.00")
    # Re-import: an empty cell keeps the earlier figure.
    response = _upload(client, "kode_wilayah,periode,ptsp,pendelegasian\n62.71,2019-10,,30\n")
    assert any("1 diperbarui" in m for m in flashes(response.text))
    db_session.rollback()
    kota = db_session.execute(
        sa.select(McpScore).join(Region).where(Region.kemendagri_code == "62.71")
    ).scalar_one()
    assert (kota.ptsp_percent, kota.delegation_percent) == (Decimal("92.00"), Decimal("30.00"))
    assert count_rows(db_session, McpScore) == 3
    actions = db_session.execute(
        sa.select(AuditEntry.action).where(AuditEntry.action == "mcp.import")
    ).all()
    assert len(actions) == 2


def test_a_broken_import_names_every_bad_line_and_writes_nothing(
    client, staff, db_session, schemes
) -> None:
    body = (
        "kode_wilayah,periode,ptsp,pendelegasian\n"
        "62.01,2019-10,80,100\n"  # line 2: good, must not be written either
        "62.02,2019-10,101,50\n"  # line 3: over 100
        "62.03,2019-10,-5,50\n"  # line 4: negative
        "62.04,2019-10,delapan puluh,50\n"  # line 5: not a number
        "99.99,2019-10,50,50\n"  # line 6: unknown region
        "62.05,Oktober,50,50\n"  # line 7: bad period
        "62.01,2019-10,70,70\n"  # line 8: duplicate of line 2
        "62.06,2019-10,,\n"  # line 9: nothing given
    )
    response = _upload(client, body)
    messages = flashes(response.text)
    assert any("Impor dibatalkan, tidak ada data yang diubah (7 kesalahan)" in m for m in messages)
    expected = {
        3: "melebihi 100",
        4: "negatif",
        5: "bukan angka",
        6: "kode wilayah '99.99' tidak dikenal",
        7: "periode 'Oktober' tidak sah",
        8: "sudah ada di baris 2",
        9: "kosong",
    }
    for line, fragment in expected.items():
        assert any(m.startswith(f"Baris {line}:") and fragment in m for m in messages), line
    assert not any(m.startswith("Baris 2:") for m in messages)
    db_session.rollback()
    assert count_rows(db_session, McpScore) == 0
    assert (
        db_session.execute(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "mcp.import")
        ).scalar_one()
        == 0
    )


def test_import_with_a_wrong_header_is_refused(db_session, schemes) -> None:
    with pytest.raises(mcp.McpError) as caught:
        mcp.import_scores_csv(db_session, b"kode,periode,ptsp\n62.01,2019-10,50\n", actor="t")
    assert caught.value.errors[0].startswith("Baris 1:")
    assert count_rows(db_session, McpScore) == 0


def test_zone_colours_at_the_edges_on_the_mcp_page_and_the_dashboard(
    client, staff, db_session, schemes, demo_event
) -> None:
    token = page_token(client)
    figures = {"62.01": "25", "62.02": "50", "62.03": "75", "62.04": "100", "62.05": "24,99"}
    for code, value in figures.items():
        response = client.post(
            "/sekretariat/mcp/nilai",
            data={
                "csrf_token": token,
                "kode_wilayah": code,
                "periode": "2019-10",
                "ptsp": value,
                "pendelegasian": value,
            },
        )
        assert response.status_code == 302
    page = client.get("/sekretariat/mcp?periode=2019-10").text
    colours = {band["label"]: band["colour"] for band in schemes[0].bands}
    expected = {
        "62.01": "kuning",
        "62.02": "hijau muda",
        "62.03": "hijau",
        "62.04": "selesai",
        "62.05": "merah",
    }
    for code, label in expected.items():
        row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', page, re.S).group(1)
        chips = re.findall(r"background: (#[0-9a-f]{6})[^>]*>([^<]+)<small>([^<]+)</small>", row)
        assert [(colour, zone) for colour, _v, zone in chips] == [(colours[label], label)] * 2
        assert "<svg" in row and "<circle" in row
    board = client.get(f"/sekretariat/acara/{demo_event.id}").text
    row = re.search(r'<tr data-region="62.03">(.*?)</tr>', board, re.S).group(1)
    assert row.count("<small>hijau</small>") == 2 and "75%" in row


def test_a_bad_entry_is_refused_with_the_reason(client, staff, db_session, schemes) -> None:
    response = client.post(
        "/sekretariat/mcp/nilai",
        data={
            "csrf_token": page_token(client),
            "kode_wilayah": "62.01",
            "periode": "2019-10",
            "ptsp": "120",
            "pendelegasian": "-3",
        },
        follow_redirects=True,
    )
    messages = flashes(response.text)
    assert "PTSP: 120 melebihi 100." in messages
    assert "Pendelegasian: -3 negatif (harus 0 sampai 100)." in messages
    db_session.rollback()
    assert count_rows(db_session, McpScore) == 0


def test_chart_has_one_point_per_figure_and_band_backgrounds(db_session, schemes) -> None:
    mcp.import_scores_csv(
        db_session,
        b"kode_wilayah,periode,ptsp,pendelegasian\n"
        b"62.02,2019-06,40,60\n62.02,2019-10,80,\n62.02,2024-01,74,90\n",
        actor="t",
    )
    progress = {t.code: t for t in mcp.province_progress(db_session, "62", schemes=schemes)}
    kotim = progress["62.02"]
    assert [v.period for v in kotim.history] == ["2019-06", "2019-10", "2024-01"]
    # 2024 figures take the 2024 scheme's zones, earlier ones the 2019 scheme's.
    assert kotim.history[-1].ptsp_zone.label == "Waspada"
    assert kotim.history[1].ptsp_zone.label == "hijau"
    svg = str(mcp.chart_svg(kotim, schemes))
    assert svg.count("<circle") == 5  # three PTSP points, two delegation points
    assert svg.count("<polyline") == 2
    assert svg.count("<rect") == 3  # the latest period's (2024) bands
    assert 'role="img"' in svg and "2024-01: PTSP 74%" in svg


def test_schemes_page_adds_a_scheme_and_refuses_a_bad_one(
    client, staff, db_session, schemes
) -> None:
    token = page_token(client)
    response = client.post(
        "/sekretariat/mcp/skema",
        data={
            "csrf_token": token,
            "name": "Uji",
            "valid_from_period": "2030",
            "bands": "90 unggul #2e7d32\n0 lainnya #c62828",
        },
        follow_redirects=True,
    )
    assert "Skema zona disimpan." in flashes(response.text)
    response = client.post(
        "/sekretariat/mcp/skema",
        data={"csrf_token": token, "name": "Rusak", "valid_from_period": "2031", "bands": "x"},
        follow_redirects=True,
    )
    assert any("Baris 1:" in m for m in flashes(response.text))
    db_session.rollback()
    names = set(db_session.execute(sa.select(BandScheme.name)).scalars())
    assert "Uji" in names and "Rusak" not in names


def test_demo_figures_follow_the_article_spread_and_are_marked(db_session, schemes) -> None:
    mcp.seed_demo_scores(db_session, "62")
    progress = mcp.province_progress(db_session, "62", schemes=schemes)
    period = "2019-10" + mcp.DEMO_PERIOD_SUFFIX
    ptsp = {zone.label: n for zone, n in mcp.zone_counts(progress, period, "ptsp")}
    delegation = {zone.label: n for zone, n in mcp.zone_counts(progress, period, "delegation")}
    # PTSP: Seruyan 100%, 10 Pemda >= 75%, 4 Pemda 50-75%.
    assert ptsp == {"selesai": 1, "hijau": 10, "hijau muda": 4}
    # Delegation: the province and 7 Kab/Kota at 100%, 4 >= 75%, one in each lower band.
    assert delegation == {"selesai": 8, "hijau": 4, "hijau muda": 1, "kuning": 1, "merah": 1}
    seruyan = next(t for t in progress if t.code == "62.07")
    assert seruyan.at(period).ptsp == Decimal("100")
    assert all(view.period.endswith("-DEMO") for t in progress for view in t.history)
