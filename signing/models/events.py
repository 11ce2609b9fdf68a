"""A meeting at which commitments are signed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signing.db import Base, utcnow

if TYPE_CHECKING:
    from signing.models.commitments import Commitment
    from signing.models.regions import Province

#: Default routing: the two regional parties in any order, then the Gubernur; witnesses may
#: attest from the first act on (they witnessed the Wakil Bupati's paraf as it happened).
DEFAULT_ROUTING: dict[str, Any] = {
    "mode": "default",
    "groups": [["kepala_daerah", "ketua_dprd"], ["gubernur"]],
    "witnesses": "from_first_act",
}


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    date: Mapped[dt.date]
    place: Mapped[str] = mapped_column(sa.String(200))
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    #: Order in which slots act; see DEFAULT_ROUTING.
    routing_policy: Mapped[dict[str, Any]] = mapped_column(default=lambda: dict(DEFAULT_ROUTING))
    #: Document text that the secretariat edits per event (lists of paragraphs).
    legal_bases: Mapped[list] = mapped_column(default=list)
    considerations: Mapped[list] = mapped_column(default=list)
    points: Mapped[list] = mapped_column(default=list)
    #: Prefix of document numbers, e.g. "100.3.7/PTSP-PRIMA".
    number_prefix: Mapped[str] = mapped_column(sa.String(100), default="PTSP-PRIMA")
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    province: Mapped[Province] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="event", order_by="Commitment.id"
    )
