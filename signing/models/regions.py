"""The regional registry: provinces, Kabupaten/Kota, offices and who holds them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signing.db import Base

if TYPE_CHECKING:
    from signing.models.users import User


class OfficeKind(enum.StrEnum):
    GUBERNUR = "gubernur"
    WAKIL_GUBERNUR = "wakil_gubernur"
    KETUA_DPRD_PROVINSI = "ketua_dprd_provinsi"
    BUPATI = "bupati"
    WAKIL_BUPATI = "wakil_bupati"
    WALIKOTA = "walikota"
    WAKIL_WALIKOTA = "wakil_walikota"
    KETUA_DPRD = "ketua_dprd"
    WAKIL_KETUA_DPRD = "wakil_ketua_dprd"

    @property
    def label(self) -> str:
        return OFFICE_LABELS[self]

    @property
    def is_provincial(self) -> bool:
        return self in PROVINCIAL_OFFICES

    @property
    def deputy_of(self) -> OfficeKind | None:
        """The office a Wakil stands in for (a Wakil Bupati for the Bupati, ...)."""
        return DEPUTY_OF.get(self)


OFFICE_LABELS = {
    OfficeKind.GUBERNUR: "Gubernur",
    OfficeKind.WAKIL_GUBERNUR: "Wakil Gubernur",
    OfficeKind.KETUA_DPRD_PROVINSI: "Ketua DPRD Provinsi",
    OfficeKind.BUPATI: "Bupati",
    OfficeKind.WAKIL_BUPATI: "Wakil Bupati",
    OfficeKind.WALIKOTA: "Wali Kota",
    OfficeKind.WAKIL_WALIKOTA: "Wakil Wali Kota",
    OfficeKind.KETUA_DPRD: "Ketua DPRD",
    OfficeKind.WAKIL_KETUA_DPRD: "Wakil Ketua DPRD",
}
PROVINCIAL_OFFICES = {
    OfficeKind.GUBERNUR,
    OfficeKind.WAKIL_GUBERNUR,
    OfficeKind.KETUA_DPRD_PROVINSI,
}
DEPUTY_OF = {
    OfficeKind.WAKIL_GUBERNUR: OfficeKind.GUBERNUR,
    OfficeKind.WAKIL_BUPATI: OfficeKind.BUPATI,
    OfficeKind.WAKIL_WALIKOTA: OfficeKind.WALIKOTA,
    OfficeKind.WAKIL_KETUA_DPRD: OfficeKind.KETUA_DPRD,
}


class Province(Base):
    __tablename__ = "provinces"

    #: Kemendagri code, two digits ("62").
    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    regions: Mapped[list[Region]] = relationship(
        back_populates="province", order_by="Region.kemendagri_code"
    )

    @property
    def title_name(self) -> str:
        """ "Kalimantan Tengah" as written in office titles (upper-cased by the caller)."""
        return self.name


class Region(Base):
    """A Kabupaten or Kota."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    #: Kemendagri code ("62.02"); the key everything else refers to.
    kemendagri_code: Mapped[str] = mapped_column(sa.String(5), unique=True)
    #: BPS code ("6202"); differs from the Kemendagri one for 8 of the 14 in Kalimantan Tengah.
    bps_code: Mapped[str | None] = mapped_column(sa.String(4))
    #: Full name: "Kabupaten Kotawaringin Timur", "Kota Palangka Raya".
    name: Mapped[str] = mapped_column(sa.String(120))
    #: "kabupaten" or "kota".
    kind: Mapped[str] = mapped_column(sa.String(10))
    capital: Mapped[str | None] = mapped_column(sa.String(120))

    province: Mapped[Province] = relationship(back_populates="regions")
    offices: Mapped[list[Office]] = relationship(back_populates="region")

    @property
    def short_name(self) -> str:
        """ "Kotawaringin Timur" for "Kabupaten Kotawaringin Timur"."""
        for prefix in ("Kabupaten ", "Kota "):
            if self.name.startswith(prefix):
                return self.name.removeprefix(prefix)
        return self.name

    @property
    def head_office_kind(self) -> OfficeKind:
        return OfficeKind.WALIKOTA if self.kind == "kota" else OfficeKind.BUPATI


class Office(Base):
    """A post (Bupati Kapuas, Ketua DPRD Provinsi Kalimantan Tengah, ...), not a person."""

    __tablename__ = "offices"
    __table_args__ = (sa.UniqueConstraint("kind", "province_code", "region_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OfficeKind] = mapped_column(sa.Enum(OfficeKind, native_enum=False, length=30))
    province_code: Mapped[str] = mapped_column(sa.ForeignKey("provinces.code"), index=True)
    #: Null for provincial offices.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: Title as written in a signature block: "Bupati Kotawaringin Timur".
    title: Mapped[str] = mapped_column(sa.String(200))

    province: Mapped[Province] = relationship()
    region: Mapped[Region | None] = relationship(back_populates="offices")
    holders: Mapped[list[OfficeHolder]] = relationship(
        back_populates="office", order_by="OfficeHolder.id"
    )

    @property
    def current_holder(self) -> OfficeHolder | None:
        current = [h for h in self.holders if h.ended_on is None]
        return current[-1] if current else None


class OfficeHolder(Base):
    """A person holding an office for a period, optionally linked to a login account."""

    __tablename__ = "office_holders"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Kepala Daerah and their Wakil sign without NIP; other officials may have one.
    nip: Mapped[str | None] = mapped_column(sa.String(30))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    started_on: Mapped[dt.date | None]
    ended_on: Mapped[dt.date | None]
    #: Placeholder people in demo data are marked, so nobody mistakes them for real officials.
    is_demo: Mapped[bool] = mapped_column(default=False)

    office: Mapped[Office] = relationship(back_populates="holders")
    user: Mapped[User | None] = relationship(back_populates="holdings")
