"""Builders for commitment content used by the document tests."""

from __future__ import annotations

import dataclasses
import datetime
import shutil

import pytest

from signing.documents import (
    DEFAULT_CONSIDERATIONS,
    DEFAULT_LEGAL_BASES,
    DEFAULT_POINTS,
    CommitmentContent,
    Party,
)

#: Every official other than the two the source article names is an obvious placeholder.
DEMO = "(Demo)"


def make_content(**overrides: object) -> CommitmentContent:
    """Commitment of Kabupaten Kotawaringin Timur as at the 2019 meeting (demo data).

    The Wakil Bupati acts for the Bupati (the Plt. line example); the Ketua DPRD signs herself.
    """
    values: dict[str, object] = dict(
        province_name="Kalimantan Tengah",
        region_name="Kotawaringin Timur",
        region_kind="kabupaten",
        document_number="100.3.7/001/PTSP-PRIMA/X/2019",
        document_code="KB-PTSP-2019-6202-V1",
        event_name="Rapat Koordinasi Pimpinan Daerah dalam rangka Penyelenggaraan PTSP Prima",
        event_date=datetime.date(2019, 10, 24),
        event_place="Palangka Raya",
        legal_bases=DEFAULT_LEGAL_BASES,
        considerations=DEFAULT_CONSIDERATIONS,
        points=DEFAULT_POINTS,
        gubernur=Party("gubernur", "GUBERNUR KALIMANTAN TENGAH", f"Gubernur Contoh {DEMO}"),
        kepala_daerah=Party(
            "kepala_daerah",
            "BUPATI KOTAWARINGIN TIMUR",
            "H.M. Taufik Mukri",
            capacity_line="Plt.",
            acting_office_title="WAKIL BUPATI",
        ),
        ketua_dprd=Party("ketua_dprd", "KETUA DPRD KABUPATEN KOTAWARINGIN TIMUR", "Dra. Rinie"),
        saksi_wakil_gubernur=Party(
            "saksi_wakil_gubernur",
            "WAKIL GUBERNUR KALIMANTAN TENGAH",
            f"Wakil Gubernur Contoh {DEMO}",
        ),
        saksi_ketua_dprd_provinsi=Party(
            "saksi_ketua_dprd_provinsi",
            "KETUA DPRD PROVINSI KALIMANTAN TENGAH",
            f"Ketua DPRD Provinsi Contoh {DEMO}",
        ),
        verification_url="https://ptsp-prima.kalteng.example/verifikasi/KB-PTSP-2019-6202-V1",
    )
    values.update(overrides)
    return CommitmentContent(**values)  # type: ignore[arg-type]


def replace_party(content: CommitmentContent, slot: str, **changes: object) -> CommitmentContent:
    party = dataclasses.replace(content.party(slot), **changes)
    return dataclasses.replace(content, **{slot: party})


@pytest.fixture
def content() -> CommitmentContent:
    return make_content()


@pytest.fixture
def qpdf() -> str:
    path = shutil.which("qpdf")
    if path is None:
        pytest.skip("qpdf is not installed")
    return path


@pytest.fixture
def zbarimg() -> str:
    path = shutil.which("zbarimg")
    if path is None:
        pytest.skip("zbarimg (zbar-tools) is not installed")
    return path
