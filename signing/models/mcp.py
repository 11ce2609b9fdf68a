"""KPK Korsupgah / MCP progress per regional government, and the zone band schemes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from signing.db import Base, utcnow


class McpScore(Base):
    __tablename__ = "mcp_scores"
    __table_args__ = (sa.UniqueConstraint("province_code", "region_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    #: Null for the provincial government itself.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: "2019-10" or another sortable label.
    period: Mapped[str] = mapped_column(sa.String(20))
    ptsp_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    delegation_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class BandScheme(Base):
    """Zone colours as data: KPK changed its bands over time."""

    __tablename__ = "band_schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: First period (inclusive) the scheme applies to.
    valid_from_period: Mapped[str] = mapped_column(sa.String(20))
    #: [{"min": 75, "label": "hijau", "colour": "#2e7d32"}, ...], highest first; "min" inclusive.
    bands: Mapped[list] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
