"""Transient (session-less) registry, commitment and acts for the pure rule tests.

The objects are the real ORM classes, built without a database, with ids set by hand: the
rules read only attributes, so the same code path is exercised as in production.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from signing.models import (
    Act,
    ActKind,
    Capacity,
    Commitment,
    Event,
    Mandate,
    MandateKind,
    Office,
    OfficeHolder,
    OfficeKind,
    Region,
    Role,
    Slot,
    SlotRole,
    User,
)
from signing.models.events import DEFAULT_ROUTING
from signing.workflow import rules

TODAY = dt.date(2019, 10, 24)
NOW = dt.datetime(2019, 10, 24, 3, 0, tzinfo=dt.UTC)

SLOT_OFFICE = {
    SlotRole.KEPALA_DAERAH: "bupati",
    SlotRole.KETUA_DPRD: "ketua_dprd",
    SlotRole.GUBERNUR: "gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "wakil_gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "ketua_dprd_provinsi",
}


class World:
    """One Kabupaten's commitment with every relevant official as a user."""

    def __init__(self, policy: dict[str, Any] | None = None, *, generated: bool = True) -> None:
        self._ids = itertools.count(1)
        self._act_ids = itertools.count(1)
        self.region = Region(
            id=1,
            province_code="62",
            kemendagri_code="62.02",
            name="Kabupaten Kotawaringin Timur",
            kind="kabupaten",
        )
        self.other_region = Region(
            id=2,
            province_code="62",
            kemendagri_code="62.03",
            name="Kabupaten Kapuas",
            kind="kabupaten",
        )
        self.offices: dict[str, Office] = {}
        self.users: dict[str, User] = {}
        provincial = {
            "gubernur": (OfficeKind.GUBERNUR, "Gubernur Kalimantan Tengah"),
            "wakil_gubernur": (OfficeKind.WAKIL_GUBERNUR, "Wakil Gubernur Kalimantan Tengah"),
            "ketua_dprd_provinsi": (
                OfficeKind.KETUA_DPRD_PROVINSI,
                "Ketua DPRD Provinsi Kalimantan Tengah",
            ),
        }
        regional = {
            "bupati": (OfficeKind.BUPATI, "Bupati Kotawaringin Timur"),
            "wakil_bupati": (OfficeKind.WAKIL_BUPATI, "Wakil Bupati Kotawaringin Timur"),
            "ketua_dprd": (OfficeKind.KETUA_DPRD, "Ketua DPRD Kabupaten Kotawaringin Timur"),
            "wakil_ketua_dprd": (
                OfficeKind.WAKIL_KETUA_DPRD,
                "Wakil Ketua DPRD Kabupaten Kotawaringin Timur",
            ),
        }
        for key, (kind, title) in provincial.items():
            self._office(key, kind, title, None)
        for key, (kind, title) in regional.items():
            self._office(key, kind, title, self.region)
        self._office(
            "wakil_bupati_kapuas", OfficeKind.WAKIL_BUPATI, "Wakil Bupati Kapuas", self.other_region
        )
        self._office("bupati_kapuas", OfficeKind.BUPATI, "Bupati Kapuas", self.other_region)
        self.users["sekretariat"] = self._user("sekretariat", Role.SECRETARIAT)
        self.users["admin"] = self._user("admin", Role.ADMIN)
        self.users["outsider"] = self._user("outsider", Role.OFFICIAL)
        self.users["sekda"] = self._user("sekda", Role.OFFICIAL)
        self.event = Event(
            id=1,
            name="Rakor",
            date=TODAY,
            place="Palangka Raya",
            province_code="62",
            routing_policy=dict(policy or DEFAULT_ROUTING),
        )
        self.commitment = Commitment(
            id=1,
            event=self.event,
            event_id=1,
            region=self.region,
            region_id=1,
            version=1,
            number="1",
            code="C1",
            generated_at=NOW if generated else None,
            current_sha256="0" * 64 if generated else None,
        )
        for position, role in enumerate(SlotRole):
            office = self.offices[SLOT_OFFICE[role]]
            Slot(
                id=position + 1,
                commitment=self.commitment,
                role=role,
                office=office,
                office_id=office.id,
                position=position,
                field_name=f"ttd_{role.value}",
                paraf_field_name=None if role.is_witness else f"paraf_{role.value}",
            )
        self.mandates: list[Mandate] = []

    def _office(self, key: str, kind: OfficeKind, title: str, region: Region | None) -> None:
        office = Office(
            id=next(self._ids),
            kind=kind,
            province_code="62",
            region_id=region.id if region else None,
            region=region,
            title=title,
        )
        self.offices[key] = office
        user = self._user(key, Role.OFFICIAL)
        OfficeHolder(
            id=office.id,
            office=office,
            office_id=office.id,
            user=user,
            user_id=user.id,
            name=f"Pejabat {title}",
        )
        self.users[key] = user

    def _user(self, username: str, role: Role) -> User:
        return User(
            id=100 + len(self.users) + len(self.offices),
            username=username,
            display_name=username,
            role=role,
            active=True,
            password_hash="x",
        )

    def slot(self, role: SlotRole) -> Slot:
        return self.commitment.slot(role)

    def mandate(
        self,
        user: str,
        office: str,
        kind: MandateKind = MandateKind.PLT,
        *,
        valid_from: dt.date = TODAY,
        valid_until: dt.date | None = None,
        event_id: int | None = None,
        revoked: bool = False,
    ) -> Mandate:
        mandate = Mandate(
            id=len(self.mandates) + 1,
            kind=kind,
            principal_office_id=self.offices[office].id,
            deputy_user_id=self.users[user].id,
            letter_number=f"800/{len(self.mandates)}",
            letter_date=valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
            event_id=event_id,
            revoked_at=NOW if revoked else None,
        )
        self.mandates.append(mandate)
        return mandate

    def check(self, role: SlotRole, kind: ActKind, user: str, **kwargs: Any) -> rules.AllowedAct:
        kwargs.setdefault("mandates", self.mandates)
        kwargs.setdefault("today", TODAY)
        return rules.check_act(self.commitment, role, self.users[user], kind, **kwargs)

    def act(self, role: SlotRole, kind: ActKind, user: str, **kwargs: Any) -> Act:
        """Check, then record the act as perform_act would (without the PDF)."""
        attests = kwargs.get("attests_act_id")
        if kind is ActKind.DECLINE:
            kwargs.setdefault("reason", "tidak setuju")
        allowed = self.check(role, kind, user, **kwargs)
        slot = self.slot(role)
        field = {ActKind.PARAF: slot.paraf_field_name, ActKind.DECLINE: None}.get(
            kind, slot.field_name
        )
        return Act(
            id=next(self._act_ids),
            commitment=self.commitment,
            commitment_id=1,
            slot=slot,
            slot_id=slot.id,
            kind=kind,
            capacity=allowed.capacity,
            mandate_id=allowed.mandate_id,
            actor_user_id=self.users[user].id,
            actor_name=self.users[user].display_name,
            actor_office_title=None,
            field_name=field,
            attests_act_id=attests,
            reason=kwargs.get("reason"),
            created_at=NOW,
        )

    def void(self) -> None:
        self.commitment.voided_at = NOW
        self.commitment.void_reason = "salah ketik"


def refused_code(func, *args: Any, **kwargs: Any) -> str:  # type: ignore[no-untyped-def]
    try:
        func(*args, **kwargs)
    except rules.WorkflowRefused as refused:
        return refused.code
    raise AssertionError("not refused")


__all__ = ["NOW", "TODAY", "World", "refused_code", "Capacity"]
