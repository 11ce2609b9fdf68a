"""MCP progress: each government's history with zones, counts per zone, and the small chart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from signing.models import BandScheme, McpScore, Province, Region
from signing.secretariat.mcp.zones import (
    Zone,
    load_schemes,
    scheme_for_period,
    sorted_bands,
    zone_for,
)


@dataclass(frozen=True)
class ScoreView:
    period: str
    ptsp: Decimal | None
    delegation: Decimal | None
    ptsp_zone: Zone | None
    delegation_zone: Zone | None

    @classmethod
    def of(cls, score: McpScore, schemes: Sequence[BandScheme]) -> ScoreView:
        """``score`` with its zones in the scheme of its period."""
        scheme = scheme_for_period(schemes, score.period)
        return cls(
            score.period,
            score.ptsp_percent,
            score.delegation_percent,
            zone_for(score.ptsp_percent, scheme),
            zone_for(score.delegation_percent, scheme),
        )


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
        target.history.append(ScoreView.of(score, schemes))
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
        target.history.append(ScoreView.of(score, schemes))
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
        for band in sorted_bands(scheme):
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
