"""Accounts, their server-side login sessions, API tokens and in-app notifications."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signing.db import Base, utcnow
from signing.models.labels import LabelledEnum

if TYPE_CHECKING:
    from signing.models.regions import Office, OfficeHolder


class Role(LabelledEnum):
    ADMIN = "admin", "Administrator"
    SECRETARIAT = "secretariat", "Sekretariat"
    OFFICIAL = "official", "Pejabat"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    #: Argon2id hash (argon2-cffi); never the password.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    holdings: Mapped[list[OfficeHolder]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Flask-Login keeps the id of the server-side login session, not of the user.

        That is what lets logout (or a password change) end a session for good: the cookie
        then names a revoked session and loads nobody.
        """
        session_id = getattr(self, "auth_session_id", None)
        if session_id is None:
            raise RuntimeError("log in through signing.web.auth, which opens a session")
        return session_id

    @property
    def current_offices(self) -> list[Office]:
        return [h.office for h in self.holdings if h.ended_on is None]

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class AuthSession(Base):
    """A login. The cookie carries only its random id; logout revokes it here, server-side."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    user: Mapped[User] = relationship()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class Notification(Base):
    """An in-app inbox message ("Giliran Anda menandatangani ...", reminders)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitments.id"))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    emailed_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class SpecimenKind(LabelledEnum):
    """Which handwritten mark a specimen shows."""

    SIGNATURE = "signature", "Spesimen tanda tangan"
    PARAF = "paraf", "Spesimen paraf"


class Specimen(Base):
    """An official's specimen of their handwritten signature or paraf, drawn beside the text
    of their marks. Stored as a PNG with a transparent background (see signing.specimens)."""

    __tablename__ = "specimens"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[SpecimenKind] = mapped_column(sa.Enum(SpecimenKind, native_enum=False, length=20))
    png: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int]
    height: Mapped[int]
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
