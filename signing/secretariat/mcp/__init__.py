"""KPK Korsupgah / MCP progress: percentages per regional government and period, zone colours.

The zones are data (:class:`~signing.models.BandScheme` rows), because KPK changed its bands over
time: the scheme that applies to a period is the latest one whose ``valid_from_period`` is not
after it. Periods are compared as text, so they must sort: ``2019-10``, ``2024-06`` (a year alone,
``2024``, sorts before every month of that year).

A value exactly on a band edge belongs to the higher band (75 is hijau, 25 is kuning, 100 is
selesai): each band's ``min`` is inclusive.
"""

from __future__ import annotations

from signing.secretariat.errors import McpError
from signing.secretariat.mcp.progress import (
    ScoreView,
    TargetProgress,
    chart_svg,
    format_percent,
    periods_of,
    progress_by_region,
    province_progress,
    zone_counts,
)
from signing.secretariat.mcp.scores import (
    DEMO_FIGURES_2019,
    ImportReport,
    import_scores_csv,
    normalise_period,
    parse_percent,
    record_score,
    seed_demo_scores,
    today_period,
)
from signing.secretariat.mcp.zones import (
    DEFAULT_SCHEMES,
    DEMO_PERIOD_SUFFIX,
    IMPORT_COLUMNS,
    PERIOD_PATTERN,
    Zone,
    create_scheme,
    ensure_default_schemes,
    load_schemes,
    parse_bands,
    scheme_for_period,
    zone_for,
)

__all__ = [
    "DEFAULT_SCHEMES",
    "DEMO_FIGURES_2019",
    "DEMO_PERIOD_SUFFIX",
    "IMPORT_COLUMNS",
    "PERIOD_PATTERN",
    "ImportReport",
    "McpError",
    "ScoreView",
    "TargetProgress",
    "Zone",
    "chart_svg",
    "create_scheme",
    "ensure_default_schemes",
    "format_percent",
    "import_scores_csv",
    "load_schemes",
    "normalise_period",
    "parse_bands",
    "parse_percent",
    "periods_of",
    "progress_by_region",
    "province_progress",
    "record_score",
    "scheme_for_period",
    "seed_demo_scores",
    "today_period",
    "zone_counts",
    "zone_for",
]
