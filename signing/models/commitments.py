"""Commitments, their slots, the acts on them, PDF revisions and mandates.

Status is never stored: it is derived from the acts (see ``signing.workflow.status``).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from signing.db import Base, utcnow
from signing.models.labels import LabelledEnum

if TYPE_CHECKING:
    from signing.models.events import Event
    from signing.models.regions import Office, Region
    from signing.models.users import User


class SlotRole(enum.StrEnum):
    KEPALA_DAERAH = "kepala_daerah"
    KETUA_DPRD = "ketua_dprd"
    GUBERNUR = "gubernur"
    SAKSI_WAKIL_GUBERNUR = "saksi_wakil_gubernur"
    SAKSI_KETUA_DPRD_PROVINSI = "saksi_ketua_dprd_provinsi"

    @property
    def is_witness(self) -> bool:
        return self.value.startswith("saksi_")

    @property
    def label(self) -> str:
        return SLOT_LABELS[self]


SLOT_LABELS = {
    SlotRole.KEPALA_DAERAH: "Bupati/Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD Kab/Kota",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi: Wakil Gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi: Ketua DPRD Provinsi",
}
PARTY_SLOTS = (SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR)
WITNESS_SLOTS = (SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI)


class ActKind(LabelledEnum):
    SEAL = "seal", "Segel instansi"
    SIGN = "sign", "Tanda tangan"
    PARAF = "paraf", "Paraf"
    WITNESS = "witness", "Saksi"
    DECLINE = "decline", "Tolak"


class Capacity(enum.StrEnum):
    """In what capacity someone acts on a slot."""

    HOLDER = "holder"
    PLT = "plt"
    PLH = "plh"
    AN = "an"
    #: A deputy with no recorded mandate: paraf only.
    STAND_IN = "stand_in"

    @property
    def line(self) -> str | None:
        """The prefix written in the signature block."""
        return {"plt": "Plt.", "plh": "Plh.", "an": "a.n."}.get(self.value)


class MandateKind(enum.StrEnum):
    PLT = "plt"
    PLH = "plh"
    AN = "an"


class Commitment(Base):
    """The commitment of one Kabupaten/Kota at one event; a new version after a void."""

    __tablename__ = "commitments"
    __table_args__ = (sa.UniqueConstraint("event_id", "region_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id"), index=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: Document number printed on the PDF.
    number: Mapped[str] = mapped_column(sa.String(120), unique=True)
    #: Short code in the footer and the verification URL.
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: SHA-256 of the current PDF revision; null until generated.
    current_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    generated_at: Mapped[dt.datetime | None]
    #: Set exactly once, by the act that completes it.
    completed_at: Mapped[dt.datetime | None]
    voided_at: Mapped[dt.datetime | None]
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The version this one replaces.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitments.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Optimistic-lock backstop: a concurrent act that slipped past the row lock fails.
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    event: Mapped[Event] = relationship(back_populates="commitments")
    region: Mapped[Region] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="commitment", order_by="Slot.position", cascade="all, delete-orphan"
    )
    acts: Mapped[list[Act]] = relationship(
        back_populates="commitment", order_by="Act.id", foreign_keys="Act.commitment_id"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="commitment", order_by="Revision.sequence"
    )

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    def slot(self, role: SlotRole | str) -> Slot:
        role = SlotRole(role)
        for slot in self.slots:
            if slot.role == role:
                return slot
        raise KeyError(role)


class Slot(Base):
    """A place in the document where a party signs or a witness attests."""

    __tablename__ = "slots"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id"), index=True)
    role: Mapped[SlotRole] = mapped_column(sa.Enum(SlotRole, native_enum=False, length=40))
    #: The principal office (Bupati Kotawaringin Timur, Wakil Gubernur, ...).
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: PDF field names: the signature (or witness) field and, for parties, the paraf field.
    field_name: Mapped[str] = mapped_column(sa.String(60))
    paraf_field_name: Mapped[str | None] = mapped_column(sa.String(60))

    commitment: Mapped[Commitment] = relationship(back_populates="slots")
    office: Mapped[Office] = relationship()
    acts: Mapped[list[Act]] = relationship(back_populates="slot", order_by="Act.id")


class Act(Base):
    """Something an official did on a slot: sign, paraf, witness, decline (or the office seal)."""

    __tablename__ = "acts"
    __table_args__ = (
        # A PDF field is filled at most once: the database refuses a second signature even if
        # every check above it were bypassed.
        sa.UniqueConstraint("commitment_id", "field_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("slots.id"), index=True)
    kind: Mapped[ActKind] = mapped_column(sa.Enum(ActKind, native_enum=False, length=20))
    capacity: Mapped[Capacity] = mapped_column(
        sa.Enum(Capacity, native_enum=False, length=20), default=Capacity.HOLDER
    )
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Name and office as they were at the time of the act (holders change).
    actor_name: Mapped[str] = mapped_column(sa.String(200))
    actor_office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    actor_office_title: Mapped[str | None] = mapped_column(sa.String(200))
    mandate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mandates.id"))
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signing_certificates.id"))
    #: The PDF field filled; null for a decline.
    field_name: Mapped[str | None] = mapped_column(sa.String(60))
    #: The person's own words: a decline's reason (required), any other act's note (optional).
    #: Stored and shown in the app, never written into the PDF (its /Reason is derived from
    #: the act: see signing.workflow.operations.pdf_reason).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    #: For a witness act: the act it attests (e.g. the Wakil Bupati's paraf).
    attests_act_id: Mapped[int | None] = mapped_column(sa.ForeignKey("acts.id"))
    sha256_before: Mapped[str | None] = mapped_column(sa.String(64))
    sha256_after: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))

    commitment: Mapped[Commitment] = relationship(
        back_populates="acts", foreign_keys=[commitment_id]
    )
    slot: Mapped[Slot | None] = relationship(back_populates="acts")
    actor: Mapped[User | None] = relationship()
    mandate: Mapped[Mandate | None] = relationship()
    attests: Mapped[Act | None] = relationship(remote_side=[id])


class Blob(Base):
    """Immutable content-addressed bytes (every PDF revision)."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Revision(Base):
    """One revision of a commitment's PDF, in order."""

    __tablename__ = "revisions"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("commitments.id"), index=True)
    sequence: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.ForeignKey("blobs.sha256"), index=True)
    parent_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: "generated", "sealed", an act kind, "timestamp".
    label: Mapped[str] = mapped_column(sa.String(30))
    act_id: Mapped[int | None] = mapped_column(sa.ForeignKey("acts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="revisions")
    blob: Mapped[Blob] = relationship()
    #: The act that made this revision (the seal, a signature, a paraf, a witness mark).
    act: Mapped[Act | None] = relationship()


class Mandate(Base):
    """A recorded mandate letting a deputy act for a principal office (Plt./Plh./a.n.)."""

    __tablename__ = "mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MandateKind] = mapped_column(sa.Enum(MandateKind, native_enum=False, length=10))
    principal_office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    deputy_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The office the deputy holds ("Wakil Bupati"), printed under the Plt. line.
    deputy_office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offices.id"))
    letter_number: Mapped[str] = mapped_column(sa.String(120))
    letter_date: Mapped[dt.date]
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date | None]
    #: Optional: the mandate applies to one event only.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id"))
    revoked_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    principal_office: Mapped[Office] = relationship(foreign_keys=[principal_office_id])
    deputy_office: Mapped[Office | None] = relationship(foreign_keys=[deputy_office_id])
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_user_id])

    def is_valid_on(self, day: dt.date) -> bool:
        if self.revoked_at is not None or day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until
