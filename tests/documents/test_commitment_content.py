"""Content rules: slot and field names, Indonesian dates, refused inconsistent content."""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
from doc_builders import make_content, replace_party

from signing.demo import DEMO_EVENT_DATE
from signing.documents import (
    ALL_SLOTS,
    DEFAULT_CONSIDERATIONS,
    DEFAULT_LEGAL_BASES,
    DEFAULT_POINTS,
    Party,
    format_hari_tanggal,
    paraf_field_name,
    signature_field_name,
)


def test_field_names_follow_the_slot_convention():
    assert [signature_field_name(s) for s in ALL_SLOTS] == [
        "ttd_gubernur",
        "ttd_kepala_daerah",
        "ttd_ketua_dprd",
        "saksi_wakil_gubernur",
        "saksi_ketua_dprd_provinsi",
    ]
    assert paraf_field_name("kepala_daerah") == "paraf_kepala_daerah"
    with pytest.raises(ValueError):
        paraf_field_name("saksi_wakil_gubernur")
    with pytest.raises(ValueError):
        signature_field_name("bupati")


def test_content_lists_every_field_once(content):
    names = content.field_names()
    assert len(names) == len(set(names)) == 8
    only_bupati = dataclasses.replace(content, paraf_slots=("kepala_daerah",))
    assert only_bupati.field_names()[-1] == "paraf_kepala_daerah"
    assert len(only_bupati.field_names()) == 6


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2019, 10, 24), "Kamis, 24 Oktober 2019"),
        (datetime.date(2024, 2, 29), "Kamis, 29 Februari 2024"),
        (datetime.date(2025, 8, 17), "Minggu, 17 Agustus 2025"),
        (datetime.date(2026, 1, 5), "Senin, 5 Januari 2026"),
    ],
)
def test_dates_are_written_in_indonesian(date, expected):
    assert format_hari_tanggal(date) == expected


def test_party_in_the_wrong_slot_is_refused(content):
    with pytest.raises(ValueError, match="kepala_daerah"):
        dataclasses.replace(content, kepala_daerah=content.ketua_dprd)


def test_unknown_region_kind_and_paraf_slot_are_refused(content):
    with pytest.raises(ValueError):
        dataclasses.replace(content, region_kind="provinsi")
    with pytest.raises(ValueError):
        dataclasses.replace(content, paraf_slots=("saksi_wakil_gubernur",))
    with pytest.raises(ValueError):
        dataclasses.replace(content, paraf_slots=("gubernur", "gubernur"))


def test_party_without_a_holder_is_refused():
    with pytest.raises(ValueError, match="holder_name"):
        Party("gubernur", "GUBERNUR KALIMANTAN TENGAH", "  ")


def test_region_label_accepts_names_with_or_without_kind():
    assert make_content().region_label == "Kabupaten Kotawaringin Timur"
    assert (
        make_content(region_name="Kabupaten Kotawaringin Timur").region_label
        == "Kabupaten Kotawaringin Timur"
    )
    city = make_content(region_name="Palangka Raya", region_kind="kota")
    assert city.region_label == "Kota Palangka Raya"
    # "Kotawaringin" starts with "Kota" but is not prefixed by the kind.
    assert make_content(region_kind="kota").region_label == "Kota Kotawaringin Timur"


def test_represented_party_is_marked(content):
    assert content.kepala_daerah.represented
    assert not content.ketua_dprd.represented
    plain = replace_party(content, "kepala_daerah", capacity_line=None, acting_office_title=None)
    assert not plain.kepala_daerah.represented


def test_defaults_cite_the_legal_bases_and_commitments_of_the_outline():
    bases = " ".join(DEFAULT_LEGAL_BASES)
    for citation in (
        "Undang-Undang Nomor 23 Tahun 2014",
        "Peraturan Menteri Dalam Negeri Nomor 138 Tahun 2017",
        "Undang-Undang Nomor 25 Tahun 2007",
        "Undang-Undang Nomor 25 Tahun 2009",
        "Peraturan Presiden Nomor 97 Tahun 2014",
        "Undang-Undang Nomor 11 Tahun 2008",
        "Peraturan Pemerintah Nomor 71 Tahun 2019",
    ):
        assert citation in bases
    points = " ".join(DEFAULT_POINTS)
    for topic in ("100%", "standar pelayanan", "daring", "tim teknis", "Ombudsman", "survei"):
        assert topic in points


#: Regulations of the demo event's year, with the day each was enacted (in force from then).
_ENACTED_IN_EVENT_YEAR = {"Peraturan Pemerintah Nomor 71 Tahun 2019": datetime.date(2019, 10, 10)}


def test_demo_event_cites_only_regulations_in_force_on_its_date():
    text = " ".join(DEFAULT_LEGAL_BASES + DEFAULT_CONSIDERATIONS + DEFAULT_POINTS)
    cited = re.findall(r"((?:Undang-Undang|Peraturan [A-Za-z ]+?) Nomor \d+ Tahun (\d{4}))", text)
    assert len(cited) >= 8
    for citation, year in cited:
        assert int(year) <= DEMO_EVENT_DATE.year, citation
        if int(year) == DEMO_EVENT_DATE.year:
            assert _ENACTED_IN_EVENT_YEAR[citation] <= DEMO_EVENT_DATE, citation
    assert "Tahun 2024" not in text and "Tahun 2023" not in text
