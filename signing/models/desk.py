"""Turns of the signing desk ("Meja Tanda Tangan"), kept on the server.

A turn is opened whenever the desk's board is shown; the secretariat's cookie only names it.
One official authenticates into an open turn, acts once (or cancels) and the turn is closed.
A turn that is closed, superseded by a newer one or past its deadline authorises nothing, so a
replayed cookie or form brings nobody back.
"""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from signing.db import Base, utcnow


class TurnOutcome(enum.StrEnum):
    """Why a turn was closed."""

    ACT = "act"
    CANCEL = "cancel"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    DESK_CLOSED = "desk_closed"


class DeskTurn(Base):
    """One official's turn at the shared signing desk."""

    __tablename__ = "desk_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random name of the turn; the secretariat's cookie and the official's grant carry it.
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: Random id of the open desk (one per ``desk.open``), as in the audit entries.
    desk_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"))
    #: The secretariat account whose login session holds the desk.
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: Fingerprint of that login session: the turn dies with the login.
    auth: Mapped[str] = mapped_column(sa.String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The official who authenticated into this turn (at most one).
    official_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[dt.datetime | None]
    #: After this the turn authorises nothing; "Tambah waktu" moves it (a limited number of times).
    expires_at: Mapped[dt.datetime | None]
    extensions: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[dt.datetime | None]
    outcome: Mapped[TurnOutcome | None] = mapped_column(
        sa.Enum(TurnOutcome, native_enum=False, length=20)
    )
    act_id: Mapped[int | None] = mapped_column(sa.ForeignKey("acts.id"))

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at
