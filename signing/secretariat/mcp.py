"""KPK Korsupgah / MCP progress: percentages per regional government and period, zone colours.

The zones are data (:class:`~signing.models.BandScheme` rows), because KPK changed its bands over
time: the scheme that applies to a period is the latest one whose ``valid_from_period`` is not
after it. Periods are compared as text, so they must sort: ``2019-10``, ``2024-06`` (a year alone,
``2024``, sorts before every month of that year).

A value exactly on a band edge belongs to the higher band (75 is hijau, 25 is kuning, 100 is
selesai): each band's ``min`` is inclusive.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from signing import audit
from signing.models import BandScheme, McpScore, Province, Region

#: "2019", "2019-10", "2019-Q4", "2019-10-DEMO": a year, then up to two sortable parts.
PERIOD_PATTERN = re.compile(r"^\d{4}(-[0-9A-Z]{1,8}){0,2}$")
IMPORT_COLUMNS = ("kode_wilayah", "periode", "ptsp", "pendelegasian")
#: Marks the demo figures: fictitious per region, only their spread follows the article.
DEMO_PERIOD_SUFFIX = "-DEMO"

#: The two schemes seeded by default. Colours are chosen so that a word on top stays readable.
DEFAULT_SCHEMES: tuple[dict[str, Any], ...] = (
    {
        "name": "Korsupgah KPK 2019",
        "valid_from_period": "2019",
        "details": {"source": "artikel rakor PTSP Prima Kalimantan Tengah, akhir 2019"},
        "bands": [
            {"min": 100, "label": "selesai", "colour": "#0d47a1"},
            {"min": 75, "label": "hijau", "colour": "#2e7d32"},
            {"min": 50, "label": "hijau muda", "colour": "#9ccc65"},
            {"min": 25, "label": "kuning", "colour": "#fdd835"},
            {"min": 0, "label": "merah", "colour": "#c62828"},
        ],
    },
    {
        "name": "MCP KPK 2024",
        "valid_from_period": "2024",
        "details": {"source": "KPK MCP, pita sejak 2024"},
        "bands": [
            {"min": 78, "label": "Terjaga", "colour": "#2e7d32"},
            {"min": 73, "label": "Waspada", "colour": "#f9a825"},
            {"min": 0, "label": "Rentan", "colour": "#c62828"},
        ],
    },
)


class McpError(Exception):
    """A refused MCP input; ``errors`` lists every problem (line-numbered for imports)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# --- zones ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    label: str
    colour: str
    #: Text colour readable on ``colour``.
    ink: str
    scheme: str


def _ink_for(colour: str) -> str:
    """Black or white text, whichever contrasts more with the band colour (WCAG luminance)."""
    try:
        r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return "#000000"

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if luminance > 0.179 else "#ffffff"


def _sorted_bands(scheme: BandScheme) -> list[dict[str, Any]]:
    return sorted(scheme.bands, key=lambda band: Decimal(str(band["min"])), reverse=True)


def zone_for(value: Decimal | float | int | None, scheme: BandScheme | None) -> Zone | None:
    """The band of ``value`` in ``scheme``; ``min`` is inclusive, so an edge is the higher band."""
    if value is None or scheme is None or not scheme.bands:
        return None
    number = Decimal(str(value))
    bands = _sorted_bands(scheme)
    chosen = next((b for b in bands if number >= Decimal(str(b["min"]))), bands[-1])
    colour = chosen.get("colour", "#777777")
    return Zone(chosen["label"], colour, _ink_for(colour), scheme.name)


def load_schemes(db_session: Session) -> list[BandScheme]:
    return list(
        db_session.execute(
            sa.select(BandScheme).order_by(BandScheme.valid_from_period, BandScheme.id)
        ).scalars()
    )


def scheme_for_period(schemes: Sequence[BandScheme], period: str) -> BandScheme | None:
    """The latest scheme with ``valid_from_period <= period`` (ties: the one added last)."""
    chosen = None
    for scheme in sorted(schemes, key=lambda s: (s.valid_from_period, s.id or 0)):
        if scheme.valid_from_period <= period:
            chosen = scheme
    return chosen


def ensure_default_schemes(db_session: Session, *, actor: Any = None) -> int:
    """Add the two default schemes (2019 and 2024) where missing, by name; returns how many."""
    existing = set(db_session.execute(sa.select(BandScheme.name)).scalars())
    created = 0
    for spec in DEFAULT_SCHEMES:
        if spec["name"] in existing:
            continue
        scheme = BandScheme(
            name=spec["name"],
            valid_from_period=spec["valid_from_period"],
            bands=[dict(band) for band in spec["bands"]],
            details=dict(spec["details"]),
        )
        db_session.add(scheme)
        db_session.flush()
        audit.record(
            db_session,
            "mcp.scheme_create",
            actor=actor,
            object_type="band_scheme",
            object_id=scheme.id,
            details={"name": scheme.name, "valid_from_period": scheme.valid_from_period},
        )
        created += 1
    return created


BAND_LINE = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s+(.+?)\s+(#[0-9a-fA-F]{6})\s*$")


def parse_bands(text: str) -> list[dict[str, Any]]:
    """Bands from lines ``<min> <label> <#rrggbb>`` (e.g. ``78 Terjaga #2e7d32``)."""
    errors: list[str] = []
    bands: list[dict[str, Any]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = BAND_LINE.match(line)
        if not match:
            errors.append(
                f"Baris {line_no}: tulis '<batas bawah> <nama zona> <#warna>', mis. "
                "'78 Terjaga #2e7d32'."
            )
            continue
        minimum = Decimal(match.group(1).replace(",", "."))
        if minimum > 100:
            errors.append(f"Baris {line_no}: batas bawah {minimum} melebihi 100.")
            continue
        bands.append(
            {"min": float(minimum), "label": match.group(2), "colour": match.group(3).lower()}
        )
    if not errors and not bands:
        errors.append("Skema tanpa zona: isi paling sedikit satu baris.")
    minimums = [band["min"] for band in bands]
    if len(set(minimums)) != len(minimums):
        errors.append("Dua zona memiliki batas bawah yang sama.")
    if bands and min(minimums) != 0:
        errors.append("Zona terendah harus dimulai dari 0.")
    if errors:
        raise McpError(errors)
    return sorted(bands, key=lambda band: band["min"], reverse=True)


def create_scheme(
    db_session: Session, *, name: str, valid_from_period: str, bands_text: str, actor: Any
) -> BandScheme:
    """Record a new band scheme; it applies from ``valid_from_period`` on."""
    errors: list[str] = []
    name = name.strip()
    if not name:
        errors.append("Nama skema wajib diisi.")
    period = valid_from_period.strip().upper()
    if not PERIOD_PATTERN.match(period):
        errors.append(f"Periode '{valid_from_period}' tidak sah (mis. 2024 atau 2024-01).")
    try:
        bands = parse_bands(bands_text)
    except McpError as error:
        errors.extend(error.errors)
    if errors:
        raise McpError(errors)
    scheme = BandScheme(name=name, valid_from_period=period, bands=bands, details={})
    db_session.add(scheme)
    db_session.flush()
    audit.record(
        db_session,
        "mcp.scheme_create",
        actor=actor,
        object_type="band_scheme",
        object_id=scheme.id,
        details={"name": name, "valid_from_period": period, "bands": bands},
    )
    return scheme


# --- scores -----------------------------------------------------------------------------------


def parse_percent(text: str | None) -> Decimal | None:
    """``"75"``, ``"75.5"``, ``"75,5"``, ``"75%"`` -> Decimal; empty -> None.

    Raises ValueError with an Indonesian message for anything else or outside 0..100.
    """
    raw = (text or "").strip().removesuffix("%").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"'{text}' bukan angka") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' bukan angka")
    if value < 0:
        raise ValueError(f"{raw} negatif (harus 0 sampai 100)")
    if value > 100:
        raise ValueError(f"{raw} melebihi 100")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{raw}: paling banyak dua angka di belakang koma")
    return value.quantize(Decimal("0.01"))


def normalise_period(text: str) -> str:
    period = (text or "").strip().upper()
    if not PERIOD_PATTERN.match(period):
        raise ValueError(f"periode '{text}' tidak sah (mis. 2019-10)")
    return period


@dataclass(frozen=True)
class Target:
    """A regional government: the province itself (``region`` None) or a Kabupaten/Kota."""

    province_code: str
    region_id: int | None
    code: str
    name: str


def _targets(db_session: Session) -> dict[str, Target]:
    targets: dict[str, Target] = {}
    for code, name in db_session.execute(sa.select(Province.code, Province.name)):
        targets[code] = Target(code, None, code, f"Provinsi {name}")
    rows = db_session.execute(
        sa.select(Region.id, Region.kemendagri_code, Region.province_code, Region.name)
    )
    for region_id, code, province_code, name in rows:
        targets[code] = Target(province_code, region_id, code, name)
    return targets


def _key(province_code: str, region_id: int | None, period: str) -> tuple[str, int | None, str]:
    return (province_code, region_id, period)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rows: int = 0


@dataclass
class _Parsed:
    line: int
    target: Target
    period: str
    ptsp: Decimal | None
    delegation: Decimal | None
    extra: dict[str, str] = field(default_factory=dict)


def _write_scores(
    db_session: Session, parsed: Iterable[_Parsed], actor: Any
) -> tuple[ImportReport, list[McpScore]]:
    parsed = list(parsed)
    report = ImportReport(rows=len(parsed))
    provinces = {p.target.province_code for p in parsed}
    existing: dict[tuple[str, int | None, str], McpScore] = {}
    if provinces:
        for score in db_session.execute(
            sa.select(McpScore).where(McpScore.province_code.in_(provinces))
        ).scalars():
            existing[_key(score.province_code, score.region_id, score.period)] = score
    user_id = actor.id if getattr(actor, "is_authenticated", False) else None
    written = []
    for item in parsed:
        key = _key(item.target.province_code, item.target.region_id, item.period)
        score = existing.get(key)
        if score is None:
            score = McpScore(
                province_code=item.target.province_code,
                region_id=item.target.region_id,
                period=item.period,
                created_by_id=user_id,
            )
            db_session.add(score)
            existing[key] = score
            report.created += 1
        else:
            report.updated += 1
        # An empty cell keeps what was there: a file may update one of the two figures only.
        if item.ptsp is not None:
            score.ptsp_percent = item.ptsp
        if item.delegation is not None:
            score.delegation_percent = item.delegation
        written.append(score)
    db_session.flush()
    return report, written


def record_score(
    db_session: Session,
    *,
    code: str,
    period: str,
    ptsp: str | None,
    delegation: str | None,
    actor: Any,
) -> McpScore:
    """Enter (or correct) one regional government's percentages for one period."""
    errors: list[str] = []
    target = _targets(db_session).get((code or "").strip())
    if target is None:
        errors.append(f"Kode wilayah '{code}' tidak dikenal.")
    try:
        period_value = normalise_period(period)
    except ValueError as error:
        errors.append(f"Periode: {error}.")
    values: dict[str, Decimal | None] = {}
    for label, raw in (("PTSP", ptsp), ("Pendelegasian", delegation)):
        try:
            values[label] = parse_percent(raw)
        except ValueError as error:
            errors.append(f"{label}: {error}.")
    if not errors and values["PTSP"] is None and values["Pendelegasian"] is None:
        errors.append("Isi paling sedikit satu persentase.")
    if errors:
        raise McpError(errors)
    assert target is not None
    _report, written = _write_scores(
        db_session,
        [_Parsed(0, target, period_value, values["PTSP"], values["Pendelegasian"])],
        actor,
    )
    score = written[0]
    audit.record(
        db_session,
        "mcp.score",
        actor=actor,
        object_type="mcp_score",
        object_id=score.id,
        details={
            "kode_wilayah": target.code,
            "periode": period_value,
            "ptsp": None if score.ptsp_percent is None else str(score.ptsp_percent),
            "pendelegasian": (
                None if score.delegation_percent is None else str(score.delegation_percent)
            ),
        },
    )
    return score


def import_scores_csv(db_session: Session, raw: bytes, *, actor: Any) -> ImportReport:
    """Import ``kode_wilayah,periode,ptsp,pendelegasian`` rows, all or nothing.

    Every problem is collected with its line number (the header is line 1) and raised together
    as :class:`McpError`; nothing is written then. ``kode_wilayah`` is a Kabupaten/Kota code
    (``62.02``) or a province code (``62``) for the provincial government itself.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise McpError([f"Berkas bukan teks UTF-8 (posisi byte {error.start})."]) from error
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise McpError(["Berkas kosong."]) from None
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise McpError(
            [
                f"Baris 1: kolom {', '.join(missing)} tidak ada. Kepala tabel yang diharapkan: "
                + ",".join(IMPORT_COLUMNS)
            ]
        )
    index = {name: header.index(name) for name in IMPORT_COLUMNS}
    targets = _targets(db_session)
    errors: list[str] = []
    parsed: list[_Parsed] = []
    seen: dict[tuple[str, str], int] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            errors.append(f"Baris {line_no}: jumlah kolom melebihi kepala tabel.")
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        where = f"Baris {line_no}"
        row_errors: list[str] = []
        target = targets.get(cells["kode_wilayah"])
        if target is None:
            row_errors.append(f"{where}: kode wilayah '{cells['kode_wilayah']}' tidak dikenal.")
        try:
            period = normalise_period(cells["periode"])
        except ValueError as error:
            row_errors.append(f"{where}: {error}.")
            period = ""
        values: dict[str, Decimal | None] = {}
        for column, label in (("ptsp", "ptsp"), ("pendelegasian", "pendelegasian")):
            try:
                values[column] = parse_percent(cells[column])
            except ValueError as error:
                row_errors.append(f"{where}: {label} {error}.")
        if not row_errors and values["ptsp"] is None and values["pendelegasian"] is None:
            row_errors.append(f"{where}: ptsp dan pendelegasian kosong; isi paling sedikit satu.")
        if target is not None and period:
            first = seen.setdefault((target.code, period), line_no)
            if first != line_no:
                row_errors.append(
                    f"{where}: {target.code} periode {period} sudah ada di baris {first}."
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        assert target is not None
        parsed.append(_Parsed(line_no, target, period, values["ptsp"], values["pendelegasian"]))
    if errors:
        raise McpError(errors)
    if not parsed:
        raise McpError(["Berkas tidak berisi baris data."])
    report, _written = _write_scores(db_session, parsed, actor)
    audit.record(
        db_session,
        "mcp.import",
        actor=actor,
        object_type="mcp_score",
        details={"rows": report.rows, "created": report.created, "updated": report.updated},
    )
    return report


# --- views of the scores ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreView:
    period: str
    ptsp: Decimal | None
    delegation: Decimal | None
    ptsp_zone: Zone | None
    delegation_zone: Zone | None


@dataclass
class TargetProgress:
    """One regional government's MCP history, oldest period first."""

    code: str
    name: str
    region_id: int | None
    history: list[ScoreView] = field(default_factory=list)

    @property
    def latest(self) -> ScoreView | None:
        return self.history[-1] if self.history else None

    def at(self, period: str | None) -> ScoreView | None:
        """The figures of ``period``, or the latest at or before it (None: the latest)."""
        if period is None:
            return self.latest
        candidates = [view for view in self.history if view.period <= period]
        return candidates[-1] if candidates else None


def province_progress(
    db_session: Session, province_code: str, *, schemes: Sequence[BandScheme] | None = None
) -> list[TargetProgress]:
    """The province itself, then each Kabupaten/Kota in code order, with zones (3 queries)."""
    schemes = load_schemes(db_session) if schemes is None else schemes
    province = db_session.get(Province, province_code)
    regions = db_session.execute(
        sa.select(Region.id, Region.kemendagri_code, Region.name)
        .where(Region.province_code == province_code)
        .order_by(Region.kemendagri_code)
    ).all()
    result: dict[int | None, TargetProgress] = {
        None: TargetProgress(
            province_code,
            f"Provinsi {province.name if province else province_code}",
            None,
        )
    }
    for region_id, code, name in regions:
        result[region_id] = TargetProgress(code, name, region_id)
    scores = db_session.execute(
        sa.select(McpScore)
        .where(McpScore.province_code == province_code)
        .order_by(McpScore.period, McpScore.id)
    ).scalars()
    for score in scores:
        target = result.get(score.region_id)
        if target is None:
            continue
        scheme = scheme_for_period(schemes, score.period)
        target.history.append(
            ScoreView(
                score.period,
                score.ptsp_percent,
                score.delegation_percent,
                zone_for(score.ptsp_percent, scheme),
                zone_for(score.delegation_percent, scheme),
            )
        )
    return list(result.values())


def progress_by_region(
    db_session: Session, region_ids: Iterable[int], schemes: Sequence[BandScheme] | None = None
) -> dict[int, TargetProgress]:
    """MCP history for the given Kabupaten/Kota (any province), in one query plus schemes."""
    ids = list(set(region_ids))
    schemes = load_schemes(db_session) if schemes is None else schemes
    result: dict[int, TargetProgress] = {}
    if not ids:
        return result
    scores = db_session.execute(
        sa.select(McpScore)
        .where(McpScore.region_id.in_(ids))
        .order_by(McpScore.period, McpScore.id)
    ).scalars()
    for score in scores:
        assert score.region_id is not None
        target = result.setdefault(score.region_id, TargetProgress("", "", score.region_id))
        scheme = scheme_for_period(schemes, score.period)
        target.history.append(
            ScoreView(
                score.period,
                score.ptsp_percent,
                score.delegation_percent,
                zone_for(score.ptsp_percent, scheme),
                zone_for(score.delegation_percent, scheme),
            )
        )
    return result


def periods_of(progress: Iterable[TargetProgress]) -> list[str]:
    return sorted({view.period for target in progress for view in target.history})


def zone_counts(
    progress: Iterable[TargetProgress], period: str, which: str
) -> list[tuple[Zone, int]]:
    """How many governments fall in each zone for ``period`` (``which``: ptsp|delegation)."""
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    zones: dict[tuple[str, str, str], Zone] = {}
    for target in progress:
        view = next((v for v in target.history if v.period == period), None)
        zone = None if view is None else getattr(view, f"{which}_zone")
        if zone is None:
            continue
        key = (zone.scheme, zone.label, zone.colour)
        counts[key] += 1
        zones[key] = zone
    return [(zones[key], counts[key]) for key in counts]


# --- chart ------------------------------------------------------------------------------------


def chart_svg(
    target: TargetProgress, schemes: Sequence[BandScheme], *, width: int = 280, height: int = 130
) -> Markup:
    """A small line chart of both percentages over periods, as inline SVG (no JS, no CDN).

    The background shows the bands of the scheme of the latest period, so the zone a line sits
    in is visible; PTSP is the solid line, pendelegasian the dashed one.
    """
    left, right, top, bottom = 30, 8, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    history = target.history

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    def x(index: int) -> float:
        if len(history) <= 1:
            return left + plot_w / 2
        return left + plot_w * index / (len(history) - 1)

    summary = "; ".join(
        f"{view.period}: PTSP {_fmt(view.ptsp)}, pendelegasian {_fmt(view.delegation)}"
        for view in history
    )
    label = f"Grafik MCP {target.name}. " + (summary or "Belum ada data.")
    parts = [
        f'<svg class="mcp-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    scheme = scheme_for_period(schemes, history[-1].period) if history else None
    if scheme is not None:
        upper = 100.0
        for band in _sorted_bands(scheme):
            lower = float(band["min"])
            top_value = 100.0 if upper == lower else upper
            parts.append(
                f'<rect x="{left}" y="{y(top_value):.1f}" width="{plot_w}" '
                f'height="{max(y(lower) - y(top_value), 1.5):.1f}" '
                f'fill="{escape(band.get("colour", "#999"))}" fill-opacity="0.18">'
                f"<title>{escape(str(band['label']))} (&#8805; {lower:g})</title></rect>"
            )
            upper = lower
    for value in (0, 50, 100):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#9aa5b1" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y(value) + 3:.1f}" text-anchor="end" '
            f'font-size="9" fill="#5b6675">{value}</text>'
        )
    if not history:
        parts.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" '
            'font-size="11" fill="#5b6675">belum ada data</text>'
        )
    for attr, style in (
        ("ptsp", 'stroke="#0b4f8a" stroke-width="2"'),
        ("delegation", 'stroke="#1b2430" stroke-width="2" stroke-dasharray="4 3"'),
    ):
        points = [
            (x(i), y(float(getattr(view, attr))), view)
            for i, view in enumerate(history)
            if getattr(view, attr) is not None
        ]
        if len(points) > 1:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline fill="none" {style} points="{coords}"/>')
        name = "PTSP" if attr == "ptsp" else "Pendelegasian"
        colour = "#0b4f8a" if attr == "ptsp" else "#1b2430"
        for px, py, view in points:
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(view.period)}: {name} {_fmt(getattr(view, attr))}</title>"
                "</circle>"
            )
    shown = _label_indexes(len(history))
    for i, view in enumerate(history):
        if i in shown:
            anchor = "start" if i == 0 and len(history) > 1 else "middle"
            if i == len(history) - 1 and len(history) > 1:
                anchor = "end"
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="9" '
                f'fill="#5b6675">{escape(view.period)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _label_indexes(count: int) -> set[int]:
    if count <= 4:
        return set(range(count))
    return {0, count // 2, count - 1}


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}".replace(".", ",") + "%"


def format_percent(value: Decimal | None) -> str:
    """``75%``, ``62,5%``, ``–`` for no value (Indonesian decimal comma)."""
    return _fmt(value)


# --- demo figures -----------------------------------------------------------------------------

#: The article's late-2019 spread (Kalimantan Tengah). Only Seruyan's 100% PTSP figure and the
#: province's 100% delegation are named there; which other region got which figure is invented
#: for the demo, so these rows carry the period suffix "-DEMO" and never look like real data.
DEMO_FIGURES_2019 = {
    # code: (ptsp, pendelegasian)
    "62": (90, 100),
    "62.01": (85, 100),
    "62.02": (80, 100),
    "62.03": (78, 100),
    "62.04": (76, 100),
    "62.05": (82, 100),
    "62.06": (60, 100),
    "62.07": (100, 100),
    "62.08": (65, 80),
    "62.09": (77, 85),
    "62.10": (55, 75),
    "62.11": (79, 90),
    "62.12": (52, 60),
    "62.13": (88, 40),
    "62.71": (92, 20),
}


def seed_demo_scores(db_session: Session, province_code: str = "62") -> int:
    """The article's late-2019 spread as clearly marked demo rows (period ``2019-10-DEMO``).

    Also an earlier fictitious period (``2019-06-DEMO``) so that the charts show a trend.
    """
    targets = _targets(db_session)
    parsed = []
    for code, (ptsp, delegation) in DEMO_FIGURES_2019.items():
        target = targets.get(code)
        if target is None or target.province_code != province_code:
            continue
        parsed.append(
            _Parsed(0, target, "2019-06" + DEMO_PERIOD_SUFFIX, _earlier(ptsp), _earlier(delegation))
        )
        parsed.append(
            _Parsed(0, target, "2019-10" + DEMO_PERIOD_SUFFIX, Decimal(ptsp), Decimal(delegation))
        )
    if not parsed:
        return 0
    report, _written = _write_scores(db_session, parsed, "demo")
    if report.created:
        audit.record(
            db_session,
            "mcp.import",
            actor="demo",
            object_type="mcp_score",
            details={"rows": report.rows, "created": report.created, "demo": True},
        )
    return report.created


def _earlier(value: int) -> Decimal:
    return Decimal(max(0, value - 15 - value % 7))


def today_period() -> str:
    today = dt.date.today()
    return f"{today.year}-{today.month:02d}"
