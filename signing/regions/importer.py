"""Import of the regional registry from CSV or JSON, validated whole before anything is written.

Region rows (CSV header ``kode,tingkat,nama,kode_provinsi,nama_provinsi`` with optional
``kode_bps,ibu_kota``; the national file in ``shared/data`` has this shape). Office holder rows
(CSV header ``kode_wilayah,jabatan,nama`` with optional ``nip``). JSON: ``{"wilayah": [...],
"pejabat": [...]}`` with the same keys. Every error names its line; on any error nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.models import Office, OfficeHolder, OfficeKind, Province, Region

PROVINCE_CODE = re.compile(r"^\d{2}$")
REGION_CODE = re.compile(r"^(\d{2})\.(\d{2})$")
BPS_CODE = re.compile(r"^\d{2}(\d{2})?$")
LEVELS = ("provinsi", "kabupaten", "kota")
REGION_COLUMNS = ("kode", "tingkat", "nama", "kode_provinsi", "nama_provinsi")
HOLDER_COLUMNS = ("kode_wilayah", "jabatan", "nama")
#: The audit action of an import (the dashboard's refresh watches for it).
REGISTRY_IMPORT = "registry.import"


class ImportFailed(Exception):
    """Raised with every problem found; the message lists them with line numbers."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    provinces: int = 0
    regions: int = 0
    offices: int = 0
    holders: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def read_file(path: Path) -> tuple[list[_Row], list[_Row]]:
    """Split a file into (region rows, holder rows); raises ImportFailed if unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailed([f"Berkas tidak dapat dibaca: {error.strerror}"]) from error
    return parse(raw, path.suffix.lower())


def parse(raw: bytes, suffix: str) -> tuple[list[_Row], list[_Row]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([f"Berkas bukan teks UTF-8 (posisi byte {error.start})."]) from error
    if suffix == ".json" or text.lstrip().startswith("{"):
        return _parse_json(text)
    return _parse_csv(text)


def _parse_csv(text: str) -> tuple[list[_Row], list[_Row]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    if set(REGION_COLUMNS) <= set(header):
        kind = "regions"
    elif set(HOLDER_COLUMNS) <= set(header):
        kind = "holders"
    else:
        raise ImportFailed(
            [
                "Baris 1: kolom tidak dikenali. Untuk wilayah diperlukan: "
                + ",".join(REGION_COLUMNS)
                + "; untuk pejabat: "
                + ",".join(HOLDER_COLUMNS)
            ]
        )
    rows = []
    for line_no, record in enumerate(reader, start=2):
        if None in record:
            raise ImportFailed([f"Baris {line_no}: jumlah kolom melebihi kepala tabel."])
        values = {key: (value or "").strip() for key, value in record.items()}
        if any(values.values()):
            rows.append(_Row(line_no, values))
    return (rows, []) if kind == "regions" else ([], rows)


def _parse_json(text: str) -> tuple[list[_Row], list[_Row]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed([f"Baris {error.lineno}: JSON tidak sah ({error.msg})."]) from error
    if not isinstance(document, dict):
        raise ImportFailed(
            ['Baris 1: JSON harus berupa objek {"wilayah": [...], "pejabat": [...]}']
        )

    def rows(key: str) -> list[_Row]:
        items = document.get(key, [])
        if not isinstance(items, list):
            raise ImportFailed([f'"{key}" harus berupa daftar.'])
        result = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ImportFailed([f"{key} entri {index}: harus berupa objek."])
            result.append(
                _Row(index, {k: str(v).strip() for k, v in item.items() if v is not None})
            )
        return result

    return rows("wilayah"), rows("pejabat")


def import_registry(
    db_session: Session,
    region_rows: Iterable[_Row],
    holder_rows: Iterable[_Row] = (),
    *,
    actor: Any = None,
    source: str = "",
) -> ImportResult:
    """Validate everything, then write; raises ImportFailed (nothing written) on any error."""
    region_rows, holder_rows = list(region_rows), list(holder_rows)
    errors: list[str] = []
    provinces: dict[str, str] = {}
    regions: dict[str, dict[str, str]] = {}
    label = "Baris" if source != "json" else "Entri"

    for row in region_rows:
        v = row.values
        code, level, name = v.get("kode", ""), v.get("tingkat", "").lower(), v.get("nama", "")
        prov_code = v.get("kode_provinsi", "")
        where = f"{label} {row.line}"
        if level not in LEVELS:
            errors.append(f"{where}: tingkat '{level}' tidak dikenal (provinsi/kabupaten/kota).")
            continue
        if not name:
            errors.append(f"{where}: nama wajib diisi.")
        if len(name) > 120:
            errors.append(f"{where}: nama terlalu panjang (maksimal 120 karakter).")
        bps = v.get("kode_bps", "")
        if bps and not BPS_CODE.match(bps):
            errors.append(f"{where}: kode BPS '{bps}' tidak sah.")
        if level == "provinsi":
            if not PROVINCE_CODE.match(code):
                errors.append(f"{where}: kode provinsi '{code}' tidak sah (dua angka, mis. 62).")
            elif code in provinces:
                errors.append(f"{where}: kode provinsi '{code}' ganda.")
            else:
                provinces[code] = name
            continue
        match = REGION_CODE.match(code)
        if not match:
            errors.append(f"{where}: kode wilayah '{code}' tidak sah (format 62.02).")
            continue
        if match.group(1) != prov_code:
            errors.append(f"{where}: kode '{code}' tidak berada di provinsi '{prov_code}'.")
        expected_prefix = "Kota " if level == "kota" else "Kabupaten "
        if name and not name.startswith(expected_prefix):
            errors.append(f"{where}: nama '{name}' harus diawali '{expected_prefix.strip()}'.")
        if code in regions:
            errors.append(f"{where}: kode wilayah '{code}' ganda.")
        regions[code] = v | {"tingkat": level, "line": str(row.line)}
        if prov_code not in provinces and v.get("nama_provinsi"):
            provinces.setdefault(prov_code, v["nama_provinsi"])

    existing_provinces = set(db_session.execute(sa.select(Province.code)).scalars())
    for v in regions.values():
        if v["kode_provinsi"] not in provinces and v["kode_provinsi"] not in existing_provinces:
            errors.append(f"{label} {v['line']}: provinsi '{v['kode_provinsi']}' tidak dikenal.")

    known_regions = set(regions) | set(
        db_session.execute(sa.select(Region.kemendagri_code)).scalars()
    )
    known_provinces = set(provinces) | existing_provinces
    valid_kinds = {kind.value for kind in OfficeKind}
    for row in holder_rows:
        v = row.values
        where = f"{label} {row.line}"
        target, office = v.get("kode_wilayah", ""), v.get("jabatan", "").lower()
        if office not in valid_kinds:
            errors.append(
                f"{where}: jabatan '{office}' tidak dikenal ({', '.join(sorted(valid_kinds))})."
            )
            continue
        provincial = OfficeKind(office).is_provincial
        if provincial and target not in known_provinces:
            errors.append(f"{where}: provinsi '{target}' tidak dikenal.")
        if not provincial and target not in known_regions:
            errors.append(f"{where}: wilayah '{target}' tidak dikenal.")
        if not v.get("nama"):
            errors.append(f"{where}: nama pejabat wajib diisi.")
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    for code, name in provinces.items():
        province = db_session.get(Province, code)
        if province is None:
            db_session.add(Province(code=code, name=name))
            result.provinces += 1
        else:
            province.name = name
    db_session.flush()
    for code, v in regions.items():
        region = db_session.execute(
            sa.select(Region).where(Region.kemendagri_code == code)
        ).scalar_one_or_none()
        if region is None:
            region = Region(kemendagri_code=code)
            db_session.add(region)
            result.regions += 1
        region.province_code = v["kode_provinsi"]
        region.name = v["nama"]
        region.kind = v["tingkat"]
        region.bps_code = v.get("kode_bps") or region.bps_code or code.replace(".", "")
        region.capital = v.get("ibu_kota") or region.capital
    db_session.flush()
    result.offices = ensure_offices(
        db_session, set(provinces) | {v["kode_provinsi"] for v in regions.values()}
    )
    for row in holder_rows:
        set_holder(
            db_session,
            row.values["kode_wilayah"],
            OfficeKind(row.values["jabatan"].lower()),
            row.values["nama"],
            nip=row.values.get("nip") or None,
        )
        result.holders += 1
    audit.record(
        db_session,
        REGISTRY_IMPORT,
        actor=actor,
        details={
            "source": source,
            "provinces": result.provinces,
            "regions": result.regions,
            "offices": result.offices,
            "holders": result.holders,
        },
    )
    return result


def ensure_offices(db_session: Session, province_codes: Iterable[str]) -> int:
    """Create the standard offices of each province and its Kabupaten/Kota where missing."""
    created = 0
    existing = {
        (o.kind, o.province_code, o.region_id)
        for o in db_session.execute(sa.select(Office)).scalars()
    }
    for code in province_codes:
        province = db_session.get(Province, code)
        upper = province.name
        for kind, title in (
            (OfficeKind.GUBERNUR, f"Gubernur {upper}"),
            (OfficeKind.WAKIL_GUBERNUR, f"Wakil Gubernur {upper}"),
            (OfficeKind.KETUA_DPRD_PROVINSI, f"Ketua DPRD Provinsi {upper}"),
        ):
            if (kind, code, None) not in existing:
                db_session.add(Office(kind=kind, province_code=code, region_id=None, title=title))
                created += 1
        for region in province.regions:
            head = region.head_office_kind
            deputy = OfficeKind.WAKIL_WALIKOTA if region.kind == "kota" else OfficeKind.WAKIL_BUPATI
            for kind in (head, deputy, OfficeKind.KETUA_DPRD, OfficeKind.WAKIL_KETUA_DPRD):
                if (kind, code, region.id) in existing:
                    continue
                if kind in (OfficeKind.KETUA_DPRD, OfficeKind.WAKIL_KETUA_DPRD):
                    title = f"{kind.label} {region.name}"
                else:
                    title = f"{kind.label} {region.short_name}"
                db_session.add(
                    Office(kind=kind, province_code=code, region_id=region.id, title=title)
                )
                created += 1
    db_session.flush()
    return created


def find_office(db_session: Session, target_code: str, kind: OfficeKind) -> Office | None:
    query = sa.select(Office).where(Office.kind == kind)
    if kind.is_provincial:
        query = query.where(Office.province_code == target_code, Office.region_id.is_(None))
    else:
        query = query.join(Region, Office.region_id == Region.id).where(
            Region.kemendagri_code == target_code
        )
    return db_session.execute(query).scalar_one_or_none()


def set_holder(
    db_session: Session,
    target_code: str,
    kind: OfficeKind,
    name: str,
    *,
    nip: str | None = None,
    user_id: int | None = None,
    is_demo: bool = False,
) -> OfficeHolder:
    """Record who holds an office now; an earlier different holder's term ends today."""

    office = find_office(db_session, target_code, kind)
    if office is None:
        raise ImportFailed([f"Jabatan {kind.label} untuk '{target_code}' belum ada."])
    current = office.current_holder
    if current is not None and current.name == name:
        current.nip = nip or current.nip
        if user_id is not None:
            current.user_id = user_id
        return current
    if current is not None:
        current.ended_on = dt.date.today()
    holder = OfficeHolder(office=office, name=name, nip=nip, user_id=user_id, is_demo=is_demo)
    db_session.add(holder)
    db_session.flush()
    return holder
