"""Builders of commitment content for the document tests (demo data, placeholders)."""

from __future__ import annotations

import csv
import dataclasses
import datetime
from pathlib import Path

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


#: A person's name longer than any real one, with an unbreakable word in it.
LONG_PERSON_NAME = (
    "Prof. Dr. Ir. H. Muhammad Abdurrahman Wahidin Kusumaningrat Prawiranegara Setiabudi "
    "Hadiningrat Sastrowardoyo, S.H., M.Hum., M.Si., M.Kn. (Demo)"
)
UNBREAKABLE_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft (Demo)"

_DATA_FILES = (Path(__file__).resolve().parents[2] / "signing" / "data" / "wilayah-indonesia.csv",)


def national_regions() -> list[dict[str, str]]:
    """Rows (kode, tingkat, nama, nama_provinsi) of the 514 Kabupaten/Kota of Indonesia."""
    for path in _DATA_FILES:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as fh:
                return [r for r in csv.DictReader(fh) if r["tingkat"] in ("kabupaten", "kota")]
    raise FileNotFoundError("national region list not found: " + ", ".join(map(str, _DATA_FILES)))


def content_for_region(row: dict[str, str], holder: str | None = None) -> CommitmentContent:
    """Commitment for any Kabupaten/Kota row of the national file, with placeholder officials."""
    province = row["nama_provinsi"]
    kind = row["tingkat"]
    name = row["nama"].split(" ", 1)[1]  # drop "Kabupaten"/"Kota"
    label = row["nama"]
    head = "BUPATI" if kind == "kabupaten" else "WALI KOTA"
    person = holder or "Pejabat Contoh (Demo)"
    return make_content(
        province_name=province,
        region_name=name,
        region_kind=kind,
        document_code=f"KB-PTSP-{row['kode']}-V1",
        gubernur=Party("gubernur", f"GUBERNUR {province.upper()}", person),
        kepala_daerah=Party("kepala_daerah", f"{head} {name.upper()}", person),
        ketua_dprd=Party("ketua_dprd", f"KETUA DPRD {label.upper()}", person),
        saksi_wakil_gubernur=Party(
            "saksi_wakil_gubernur", f"WAKIL GUBERNUR {province.upper()}", person
        ),
        saksi_ketua_dprd_provinsi=Party(
            "saksi_ketua_dprd_provinsi", f"KETUA DPRD PROVINSI {province.upper()}", person
        ),
        verification_url=f"https://ptsp-prima.example.go.id/verifikasi/KB-PTSP-{row['kode']}-V1",
    )
