from pathlib import Path

import pytest
import sqlalchemy as sa

from signing.models import Office, OfficeHolder, OfficeKind, Province, Region
from tests.conftest import count_rows

NATIONAL = Path(__file__).resolve().parents[1] / "signing" / "data" / "wilayah-indonesia.csv"


def test_kalimantan_tengah_ships_with_both_codes(db_session, kalteng) -> None:  # type: ignore[no-untyped-def]
    regions = (
        db_session.execute(sa.select(Region).where(Region.province_code == "62")).scalars().all()
    )
    assert len(regions) == 14
    katingan = next(r for r in regions if r.short_name == "Katingan")
    assert (katingan.kemendagri_code, katingan.bps_code, katingan.capital) == (
        "62.06",
        "6209",
        "Kasongan",
    )
    differing = [r for r in regions if r.bps_code != r.kemendagri_code.replace(".", "")]
    assert len(differing) == 8
    palangka = next(r for r in regions if r.kind == "kota")
    assert palangka.head_office_kind == OfficeKind.WALIKOTA


def test_demo_holders_are_marked_except_the_article_people(db_session, kalteng) -> None:  # type: ignore[no-untyped-def]
    holders = db_session.execute(sa.select(OfficeHolder)).scalars().all()
    real = {h.name for h in holders if not h.is_demo}
    assert real == {"H.M. Taufik Mukri", "Dra. Rinie"}
    assert all("(DEMO)" in h.name for h in holders if h.is_demo)


def test_import_cli_loads_the_national_file(runner, db_session) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["regions", "import", str(NATIONAL), "--placeholder-holders"])
    assert result.exit_code == 0, result.output
    assert count_rows(db_session, Province) == 38
    assert count_rows(db_session, Region) == 514
    # Per province 3 offices, per Kabupaten/Kota 4.
    assert count_rows(db_session, Office) == 38 * 3 + 514 * 4
    assert count_rows(db_session, OfficeHolder) == count_rows(db_session, Office)
    # Importing again changes nothing.
    again = runner.invoke(args=["regions", "import", str(NATIONAL)])
    assert again.exit_code == 0
    assert count_rows(db_session, Region) == 514


BROKEN = """kode,tingkat,nama,kode_provinsi,nama_provinsi
62,provinsi,Kalimantan Tengah,62,Kalimantan Tengah
62.01,kabupaten,Kabupaten Kotawaringin Barat,62,Kalimantan Tengah
62-02,kabupaten,Kabupaten Salah Kode,62,Kalimantan Tengah
62.03,kecamatan,Kecamatan Bukan,62,Kalimantan Tengah
63.04,kabupaten,Kabupaten Salah Provinsi,62,Kalimantan Tengah
62.01,kabupaten,Kabupaten Ganda,62,Kalimantan Tengah
"""


def test_broken_import_names_every_line_and_writes_nothing(runner, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rusak.csv"
    path.write_text(BROKEN)
    result = runner.invoke(args=["regions", "import", str(path)])
    assert result.exit_code == 1
    for line in ("Baris 4", "Baris 5", "Baris 6", "Baris 7"):
        assert line in result.output
    assert "Baris 3" not in result.output
    assert "tidak ada data yang diubah" in result.output
    assert count_rows(db_session, Province) == 0
    assert count_rows(db_session, Region) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nama;kode\nx;y\n", "kolom tidak dikenali"),
        ('{"wilayah": [1]}', "harus berupa objek"),
        ("{bukan json", "JSON tidak sah"),
        (b"\xff\xfe\x00kode", "UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_message(runner, tmp_path, content, message) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "berkas.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = runner.invoke(args=["regions", "import", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_json_import_with_holders(runner, db_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kaltara.json"
    path.write_text(
        """{"wilayah": [
             {"kode": "65", "tingkat": "provinsi", "nama": "Kalimantan Utara",
              "kode_provinsi": "65",
              "nama_provinsi": "Kalimantan Utara"},
             {"kode": "65.71", "tingkat": "kota", "nama": "Kota Tarakan", "kode_provinsi": "65",
              "nama_provinsi": "Kalimantan Utara", "kode_bps": "6571", "ibu_kota": ""}],
           "pejabat": [{"kode_wilayah": "65.71", "jabatan": "walikota", "nama": "Contoh Wali Kota"},
                       {"kode_wilayah": "65", "jabatan": "gubernur", "nama": "Contoh Gubernur"}]}"""
    )
    result = runner.invoke(args=["regions", "import", str(path)])
    assert result.exit_code == 0, result.output
    office = db_session.execute(
        sa.select(Office).where(Office.kind == OfficeKind.WALIKOTA)
    ).scalar_one()
    assert office.title == "Wali Kota Tarakan"
    assert office.current_holder.name == "Contoh Wali Kota"


def test_holder_import_with_unknown_office_is_refused(
    runner, db_session, kalteng, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    before = count_rows(db_session, OfficeHolder)
    path = tmp_path / "pejabat.csv"
    path.write_text(
        "kode_wilayah,jabatan,nama\n62.02,bupati,Nama Baru\n62.99,bupati,X\n62.03,camat,Y\n"
    )
    result = runner.invoke(args=["regions", "import", str(path)])
    assert result.exit_code == 1
    assert "Baris 3" in result.output and "Baris 4" in result.output
    assert count_rows(db_session, OfficeHolder) == before
