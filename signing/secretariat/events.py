"""Event preparation: create an event, choose its routing policy, check it is ready to sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from signing import audit
from signing.db import utcnow
from signing.documents.content import (
    DEFAULT_CONSIDERATIONS,
    DEFAULT_LEGAL_BASES,
    DEFAULT_POINTS,
)
from signing.models import (
    Act,
    CertificateStatus,
    Commitment,
    Event,
    Office,
    OfficeHolder,
    OfficeKind,
    Province,
    Region,
    SigningCertificate,
)
from signing.models.commitments import PARTY_SLOTS, SlotRole
from signing.secretariat.errors import EventRefused
from signing.workflow.refusals import WorkflowRefused, refuse
from signing.workflow.routing import InvalidPolicy, RoutingPolicy

ROUTING_MODES = {
    "default": "Bawaan: Bupati/Wali Kota dan Ketua DPRD (urutan bebas), lalu Gubernur",
    "sequential": "Berurutan: satu pihak setelah yang lain",
    "groups": "Kelompok paralel: tiap kelompok menunggu kelompok sebelumnya",
}
WITNESS_MODES = {
    "from_first_act": "Sejak tindakan pertama (seperti di rapat: saksi menyaksikan paraf)",
    "after_parties": "Setelah semua pihak menandatangani",
    "anytime": "Kapan saja",
}
ADVANCE_MODES = {
    "acted": "Paraf pihak daerah cukup untuk giliran berikutnya",
    "signed": "Giliran berikutnya menunggu tanda tangan penuh",
}


def routing_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """Build a routing policy dict from the preparation form; raises EventRefused if unusable.

    ``nomor_<role>`` is the position (sequential mode, 1..3, all different) or the group number
    (groups mode; equal numbers act in parallel, a higher group waits for the lower ones).
    """
    mode = (form.get("mode") or "default").strip()
    data: dict[str, Any] = {
        "mode": mode,
        "witnesses": (form.get("witnesses") or "from_first_act").strip(),
        "gubernur_after": (form.get("gubernur_after") or "acted").strip(),
    }
    errors: list[WorkflowRefused] = []
    if mode in ("sequential", "groups"):
        numbers: dict[SlotRole, int] = {}
        for role in PARTY_SLOTS:
            raw = str(form.get("nomor_" + role.value) or "").strip()
            try:
                numbers[role] = int(raw)
            except ValueError:
                errors.append(refuse("event_order_missing", role=role.label))
                continue
            if not 1 <= numbers[role] <= 3:
                errors.append(refuse("event_order_range", role=role.label))
        if errors:
            raise EventRefused(errors)
        if mode == "sequential":
            if len(set(numbers.values())) != len(numbers):
                raise EventRefused([refuse("event_order_distinct")])
            data["order"] = [role.value for role in sorted(numbers, key=numbers.__getitem__)]
        else:
            groups: dict[int, list[str]] = {}
            for role in PARTY_SLOTS:
                groups.setdefault(numbers[role], []).append(role.value)
            data["groups"] = [groups[number] for number in sorted(groups)]
    try:
        return RoutingPolicy.from_dict(data).to_dict()
    except InvalidPolicy as error:
        raise EventRefused([refuse("routing_invalid", detail=str(error))]) from None


def describe_routing(policy_data: Mapping[str, Any] | None) -> str:
    """One Indonesian sentence describing the order, for the preparation page."""
    try:
        policy = RoutingPolicy.from_dict(policy_data)
    except InvalidPolicy as error:
        return f"Aturan urutan tidak sah: {error}"
    steps = [" + ".join(role.label for role in group) for group in policy.groups]
    return (
        " → ".join(steps)
        + f". Saksi: {WITNESS_MODES.get(policy.witnesses, policy.witnesses).lower()}."
    )


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise EventRefused([refuse("event_date_invalid", text=text)]) from None


def create_event(
    db_session: Session,
    *,
    name: str,
    date: str | dt.date,
    place: str,
    province_code: str,
    routing_policy: dict[str, Any] | None = None,
    number_prefix: str | None = None,
    actor: Any,
) -> Event:
    """Create an event with the default document text (editable until the first act)."""

    errors: list[WorkflowRefused] = []
    name, place = (name or "").strip(), (place or "").strip()
    if not name:
        errors.append(refuse("event_name_required"))
    elif len(name) > 300:
        errors.append(refuse("event_name_too_long"))
    if not place:
        errors.append(refuse("event_place_required"))
    elif len(place) > 200:
        errors.append(refuse("event_place_too_long"))
    try:
        day = date if isinstance(date, dt.date) else _parse_date(date)
    except EventRefused as error:
        errors.extend(error.problems)
        day = None
    province = db_session.get(Province, (province_code or "").strip())
    if province is None:
        errors.append(refuse("event_province_unknown", code=province_code))
    prefix = (number_prefix or "").strip() or "PTSP-PRIMA"
    if len(prefix) > 100:
        errors.append(refuse("event_prefix_too_long"))
    if errors:
        raise EventRefused(errors)
    assert day is not None and province is not None
    policy = routing_policy or RoutingPolicy().to_dict()
    event = Event(
        name=name,
        date=day,
        place=place,
        province_code=province.code,
        routing_policy=policy,
        legal_bases=list(DEFAULT_LEGAL_BASES),
        considerations=list(DEFAULT_CONSIDERATIONS),
        points=list(DEFAULT_POINTS),
        number_prefix=prefix,
        created_by_id=actor.id if getattr(actor, "is_authenticated", False) else None,
    )
    db_session.add(event)
    db_session.flush()
    audit.record_about(
        db_session,
        "event.create",
        event,
        actor=actor,
        details={
            "name": name,
            "date": day.isoformat(),
            "place": place,
            "province": province.code,
            "routing_policy": policy,
        },
    )
    return event


def event_has_acts(db_session: Session, event: Event) -> bool:
    return (
        db_session.execute(
            sa.select(Act.id)
            .join(Commitment, Act.commitment_id == Commitment.id)
            .where(Commitment.event_id == event.id)
            .limit(1)
        ).first()
        is not None
    )


def set_routing(db_session: Session, event: Event, policy: dict[str, Any], *, actor: Any) -> None:
    """Change the order of an event; refused once anyone acted on any of its commitments."""
    if event_has_acts(db_session, event):
        raise EventRefused([refuse("routing_locked")])
    before = event.routing_policy
    event.routing_policy = RoutingPolicy.from_dict(policy).to_dict()
    db_session.flush()
    audit.record_about(
        db_session,
        "event.routing",
        event,
        actor=actor,
        details={"before": before, "after": event.routing_policy},
    )


# --- readiness --------------------------------------------------------------------------------

#: The offices each commitment needs a holder for (provincial ones are shared by all).
PROVINCIAL_SIGNERS = (
    (OfficeKind.GUBERNUR, SlotRole.GUBERNUR),
    (OfficeKind.WAKIL_GUBERNUR, SlotRole.SAKSI_WAKIL_GUBERNUR),
    (OfficeKind.KETUA_DPRD_PROVINSI, SlotRole.SAKSI_KETUA_DPRD_PROVINSI),
)


@dataclass
class ReadinessCheck:
    key: str
    title: str
    problems: list[str] = field(default_factory=list)
    #: How many things were checked (offices, people, documents).
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Readiness:
    checks: list[ReadinessCheck]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def check(self, key: str) -> ReadinessCheck:
        return next(check for check in self.checks if check.key == key)


def readiness(db_session: Session, event: Event, *, now: dt.datetime | None = None) -> Readiness:
    """The checklist before generating and signing (a fixed number of queries).

    - every office a commitment needs (Bupati/Wali Kota and Ketua DPRD of each Kabupaten/Kota;
      Gubernur, Wakil Gubernur and Ketua DPRD Provinsi) exists and has a current holder;
    - every such holder has a linked account, and that account an ACTIVE, unexpired signing
      certificate (is enrolled);
    - the document text has legal bases and commitment points;
    - how many Kabupaten/Kota already have their commitment generated.
    """
    now = now or utcnow()
    regions = list(
        db_session.execute(
            sa.select(Region)
            .where(Region.province_code == event.province_code)
            .order_by(Region.kemendagri_code)
        ).scalars()
    )
    offices = list(
        db_session.execute(
            sa.select(Office)
            .where(Office.province_code == event.province_code)
            .options(selectinload(Office.holders).selectinload(OfficeHolder.user))
        ).scalars()
    )
    by_key = {(office.kind, office.region_id): office for office in offices}

    holders_check = ReadinessCheck("holders", "Setiap jabatan penandatangan memiliki pejabat")
    needed: list[tuple[str, Office | None, str]] = []
    for kind, _role in PROVINCIAL_SIGNERS:
        needed.append((kind.label, by_key.get((kind, None)), "provinsi"))
    for region in regions:
        for kind in (region.head_office_kind, OfficeKind.KETUA_DPRD):
            label = f"{kind.label} {region.short_name if kind != OfficeKind.KETUA_DPRD else ''}"
            needed.append((label.strip(), by_key.get((kind, region.id)), region.name))
    holders: list[tuple[Office, OfficeHolder]] = []
    for label, office, where in needed:
        holders_check.checked += 1
        if office is None:
            holders_check.problems.append(f"{where}: jabatan {label} belum ada di daftar wilayah.")
            continue
        holder = office.current_holder
        if holder is None:
            holders_check.problems.append(f"{where}: {office.title} belum memiliki pejabat.")
            continue
        holders.append((office, holder))

    user_ids = {holder.user_id for _office, holder in holders if holder.user_id is not None}
    certificates: dict[int, list[SigningCertificate]] = {}
    if user_ids:
        rows = db_session.execute(
            sa.select(SigningCertificate).where(SigningCertificate.user_id.in_(user_ids))
        ).scalars()
        for certificate in rows:
            certificates.setdefault(certificate.user_id, []).append(certificate)
    accounts_check = ReadinessCheck("accounts", "Setiap pejabat penandatangan memiliki akun")
    enrol_check = ReadinessCheck(
        "enrolment", "Setiap pejabat penandatangan memiliki sertifikat tanda tangan aktif"
    )
    for office, holder in holders:
        accounts_check.checked += 1
        if holder.user_id is None or holder.user is None:
            accounts_check.problems.append(
                f"{office.title} ({holder.name}) belum ditautkan ke akun pengguna."
            )
            continue
        enrol_check.checked += 1
        if not holder.user.active:
            accounts_check.problems.append(
                f"{office.title} ({holder.name}): akun {holder.user.username} dinonaktifkan."
            )
        owned = certificates.get(holder.user_id, [])
        active = [c for c in owned if c.status == CertificateStatus.ACTIVE]
        if not active:
            enrol_check.problems.append(
                f"{office.title} ({holder.name}): belum memiliki sertifikat aktif "
                f"(akun {holder.user.username} perlu mendaftarkan kunci tanda tangan)."
            )
        elif all(c.not_after <= now for c in active):
            enrol_check.problems.append(
                f"{office.title} ({holder.name}): sertifikat sudah kedaluwarsa."
            )

    text_check = ReadinessCheck("text", "Teks komitmen lengkap")
    text_check.checked = 3
    if not event.legal_bases:
        text_check.problems.append("Dasar hukum masih kosong.")
    if not event.points:
        text_check.problems.append("Butir komitmen masih kosong.")
    try:
        RoutingPolicy.from_dict(event.routing_policy)
    except InvalidPolicy as error:
        text_check.problems.append(f"Aturan urutan tidak sah: {error}")

    generated_regions = set(
        db_session.execute(
            sa.select(Commitment.region_id).where(
                Commitment.event_id == event.id,
                Commitment.voided_at.is_(None),
                Commitment.current_sha256.is_not(None),
            )
        ).scalars()
    )
    docs_check = ReadinessCheck("documents", "Dokumen komitmen sudah dibuat")
    for region in regions:
        docs_check.checked += 1
        if region.id not in generated_regions:
            docs_check.problems.append(f"{region.name}: dokumen belum dibuat.")
    return Readiness([holders_check, accounts_check, enrol_check, text_check, docs_check])
