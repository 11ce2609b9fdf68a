"""MCP zones: the band schemes (data, because KPK changed its bands over time) and the zone of
a percentage. A value exactly on a band edge belongs to the higher band: each band's ``min`` is
inclusive."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.models import BandScheme
from signing.secretariat.errors import McpError
from signing.workflow.refusals import WorkflowRefused, refuse

#: "2019", "2019-10", "2019-Q4", "2019-10-DEMO": a year, then up to two sortable parts.
PERIOD_PATTERN = re.compile(r"^\d{4}(-[0-9A-Z]{1,8}){0,2}$")
IMPORT_COLUMNS = ("kode_wilayah", "periode", "ptsp", "pendelegasian")
#: Marks the demo figures: fictitious per region, only their spread follows the article.
DEMO_PERIOD_SUFFIX = "-DEMO"


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


def sorted_bands(scheme: BandScheme) -> list[dict[str, Any]]:
    return sorted(scheme.bands, key=lambda band: Decimal(str(band["min"])), reverse=True)


def zone_for(value: Decimal | float | int | None, scheme: BandScheme | None) -> Zone | None:
    """The band of ``value`` in ``scheme``; ``min`` is inclusive, so an edge is the higher band."""
    if value is None or scheme is None or not scheme.bands:
        return None
    number = Decimal(str(value))
    bands = sorted_bands(scheme)
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
        _add_scheme(
            db_session,
            BandScheme(
                name=spec["name"],
                valid_from_period=spec["valid_from_period"],
                bands=[dict(band) for band in spec["bands"]],
                details=dict(spec["details"]),
            ),
            actor=actor,
        )
        created += 1
    return created


BAND_LINE = re.compile(r"^\s*(\d{1,3}(?:[.,]\d{1,2})?)\s+(.+?)\s+(#[0-9a-fA-F]{6})\s*$")


def parse_bands(text: str) -> list[dict[str, Any]]:
    """Bands from lines ``<min> <label> <#rrggbb>`` (e.g. ``78 Terjaga #2e7d32``)."""
    errors: list[WorkflowRefused] = []
    bands: list[dict[str, Any]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = BAND_LINE.match(line)
        if not match:
            errors.append(refuse("band_line_format", line=line_no))
            continue
        minimum = Decimal(match.group(1).replace(",", "."))
        if minimum > 100:
            errors.append(refuse("band_over_100", line=line_no, minimum=minimum))
            continue
        bands.append(
            {"min": float(minimum), "label": match.group(2), "colour": match.group(3).lower()}
        )
    if not errors and not bands:
        errors.append(refuse("bands_none"))
    minimums = [band["min"] for band in bands]
    if len(set(minimums)) != len(minimums):
        errors.append(refuse("bands_same_minimum"))
    if bands and min(minimums) != 0:
        errors.append(refuse("bands_not_from_zero"))
    if errors:
        raise McpError(errors)
    return sorted(bands, key=lambda band: band["min"], reverse=True)


def _scheme(name: str, period: str, source: str, bands: str) -> dict[str, Any]:
    """A scheme's spec, its bands written as the secretariat writes them (:func:`parse_bands`)."""
    return {
        "name": name,
        "valid_from_period": period,
        "details": {"source": source},
        "bands": parse_bands(bands),
    }


#: The two schemes seeded by default. Colours are chosen so that a word on top stays readable.
DEFAULT_SCHEMES: tuple[dict[str, Any], ...] = (
    _scheme(
        "Korsupgah KPK 2019",
        "2019",
        "artikel rakor PTSP Prima Kalimantan Tengah, akhir 2019",
        "100 selesai #0d47a1\n75 hijau #2e7d32\n50 hijau muda #9ccc65\n"
        "25 kuning #fdd835\n0 merah #c62828",
    ),
    _scheme(
        "MCP KPK 2024",
        "2024",
        "KPK MCP, pita sejak 2024",
        "78 Terjaga #2e7d32\n73 Waspada #f9a825\n0 Rentan #c62828",
    ),
)


def create_scheme(
    db_session: Session, *, name: str, valid_from_period: str, bands_text: str, actor: Any
) -> BandScheme:
    """Record a new band scheme; it applies from ``valid_from_period`` on."""
    errors: list[WorkflowRefused] = []
    name = name.strip()
    if not name:
        errors.append(refuse("scheme_name_required"))
    period = valid_from_period.strip().upper()
    if not PERIOD_PATTERN.match(period):
        errors.append(refuse("scheme_period_invalid", period=valid_from_period))
    try:
        bands = parse_bands(bands_text)
    except McpError as error:
        errors.extend(error.problems)
    if errors:
        raise McpError(errors)
    scheme = BandScheme(name=name, valid_from_period=period, bands=bands, details={})
    return _add_scheme(db_session, scheme, actor=actor, bands=bands)


def _add_scheme(
    db_session: Session, scheme: BandScheme, *, actor: Any, **details: Any
) -> BandScheme:
    """Store ``scheme`` with its audit entry (``details`` added to the entry's)."""
    db_session.add(scheme)
    db_session.flush()
    audit.record(
        db_session,
        "mcp.scheme_create",
        actor=actor,
        object_type="band_scheme",
        object_id=scheme.id,
        details={"name": scheme.name, "valid_from_period": scheme.valid_from_period, **details},
    )
    return scheme
