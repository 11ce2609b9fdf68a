"""CLI verbs of the workflow: status matrix, mandates, void, reminders.

Exit codes: 0 done; 1 refused or not found (the Indonesian reason on stderr); 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from signing import db
from signing.cli_support import fail, get_or_fail
from signing.commitments.errors import CommitmentError
from signing.models.commitments import (
    PARTY_SLOTS,
    WITNESS_SLOTS,
    Commitment,
    Mandate,
    MandateKind,
    SlotRole,
)
from signing.models.events import Event
from signing.models.regions import Office, OfficeKind
from signing.models.users import User
from signing.regions.importer import find_office
from signing.workflow.operations import (
    mandate_warning,
    record_mandate,
    revoke_mandate,
    send_event_reminders,
    void_commitment,
)
from signing.workflow.routing import SlotState
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import CommitmentStatus, event_overview

ROLES = (*PARTY_SLOTS, *WITNESS_SLOTS)
_CELL = {
    SlotState.PENDING: "-",
    SlotState.PARAF_ONLY: "paraf",
    SlotState.SIGNED: "ttd",
    SlotState.DECLINED: "TOLAK",
}
_HEAD = {
    SlotRole.KEPALA_DAERAH: "Bupati/WK",
    SlotRole.KETUA_DPRD: "Ketua DPRD",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi Wagub",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi DPRD Prov",
}


def _cell(status: CommitmentStatus, role: SlotRole) -> str:
    slot = status.slots[role]
    text = _CELL[slot.state]
    if slot.state is SlotState.SIGNED and role.is_witness:
        text = "saksi"
    if slot.stand_in is not None:
        text += f" ({slot.stand_in.capacity.line or 'wakil'})"
    return text


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def status_rows(db_session: Any, event_id: int) -> list[dict[str, Any]]:
    rows = []
    for commitment, status in event_overview(db_session, event_id):
        slots = {}
        for role in ROLES:
            slot = status.slots[role]
            latest = slot.acts[-1] if slot.acts else None
            slots[role.value] = {
                "state": slot.state.value,
                "by": latest.actor_name if latest is not None else None,
                "capacity": latest.capacity.value if latest is not None else None,
                "at": _when(slot.since),
            }
        rows.append(
            {
                "commitment_id": commitment.id,
                "number": commitment.number,
                "version": commitment.version,
                "region_code": commitment.region.kemendagri_code,
                "region": commitment.region.name,
                "state": status.state.value,
                "state_label": status.state.label,
                "complete": status.is_complete,
                "completed_at": _when(commitment.completed_at),
                "whose_turn": [role.value for role in status.whose_turn],
                "owed_signatures": [role.value for role in status.owed_signatures],
                "slots": slots,
            }
        )
    return rows


@click.command("status")
@click.option("--event", "event_id", type=int, required=True, help="Id acara.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON.")
@with_appcontext
def status_command(event_id: int, as_json: bool) -> None:
    """Matriks status penandatanganan per wilayah dan slot."""
    event = get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")
    overview = event_overview(db.session, event_id)
    if as_json:
        click.echo(json.dumps(status_rows(db.session, event_id), ensure_ascii=False, indent=2))
        return
    click.echo(f"{event.name} ({event.date:%d-%m-%Y}, {event.place})")
    header = ["Kode", "Wilayah", *(_HEAD[r] for r in ROLES), "Status"]
    table = [header]
    for commitment, status in overview:
        table.append(
            [
                commitment.region.kemendagri_code,
                commitment.region.short_name
                + (f" v{commitment.version}" if commitment.version > 1 else ""),
                *(_cell(status, role) for role in ROLES),
                status.state.label,
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    complete = sum(status.is_complete for _c, status in overview)
    owed = [
        f"{c.region.short_name} ({', '.join(_HEAD[r] for r in s.owed_signatures)})"
        for c, s in overview
        if s.owed_signatures
    ]
    click.echo(f"Lengkap: {complete} dari {len(overview)}.")
    if owed:
        click.echo("Tanda tangan masih terutang (baru diparaf): " + "; ".join(owed))


# ------------------------------------------------------------------------------ mandates


def _office(spec: str) -> Office:
    """``ID`` or ``KIND@CODE`` (``bupati@62.02``, ``gubernur@62``)."""
    if spec.isdigit():
        office = db.session.get(Office, int(spec))
    else:
        kind_text, _, code = spec.partition("@")
        try:
            kind = OfficeKind(kind_text)
        except ValueError:
            fail(f"Jenis jabatan tidak dikenal: {kind_text}.")
        office = find_office(db.session, code, kind)
    if office is None:
        fail(f"Jabatan '{spec}' tidak ditemukan.")
    return office


def _user(username: str) -> User:
    user = db.session.execute(sa.select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        fail(f"Akun '{username}' tidak ditemukan.")
    return user


@click.group("mandate", help="Mandat Plt./Plh./a.n.")
def mandate_group() -> None:
    pass


@mandate_group.command("add")
@click.option(
    "--office", "office_spec", required=True, help="Jabatan prinsipal: ID atau jenis@kode."
)
@click.option("--deputy", required=True, help="Nama akun penerima mandat.")
@click.option("--kind", type=click.Choice([k.value for k in MandateKind]), required=True)
@click.option("--letter-number", required=True)
@click.option("--letter-date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--valid-from", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--valid-until", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--event", "event_id", type=int, default=None, help="Hanya untuk acara ini.")
@with_appcontext
def mandate_add(
    office_spec: str,
    deputy: str,
    kind: str,
    letter_number: str,
    letter_date: dt.datetime,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    event_id: int | None,
) -> None:
    """Catat mandat (surat Plt./Plh./a.n.) agar pejabat dapat bertindak atas nama jabatan."""

    event = None
    if event_id is not None:
        event = get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")
    principal, deputy_user = _office(office_spec), _user(deputy)
    warning = mandate_warning(
        db.session, principal_office=principal, deputy_user=deputy_user, kind=kind
    )
    try:
        mandate = record_mandate(
            db.session,
            principal_office=principal,
            deputy_user=deputy_user,
            kind=MandateKind(kind),
            letter_number=letter_number,
            letter_date=letter_date.date(),
            valid_from=valid_from.date(),
            valid_until=valid_until.date() if valid_until else None,
            event=event,
            actor="cli",
        )
    except WorkflowRefused as refused:
        db.session.rollback()
        fail(refused.message)
    db.session.commit()
    click.echo(f"Mandat #{mandate.id} dicatat.")
    if warning:
        click.echo(warning, err=True)


@mandate_group.command("revoke")
@click.argument("mandate_id", type=int)
@click.option("--reason", default=None)
@with_appcontext
def mandate_revoke(mandate_id: int, reason: str | None) -> None:
    """Cabut mandat (tindakan yang sudah dibuat dengannya tetap sah)."""

    mandate = get_or_fail(Mandate, mandate_id, f"Mandat {mandate_id} tidak ditemukan.")
    try:
        revoke_mandate(db.session, mandate, actor="cli", reason=reason)
    except WorkflowRefused as refused:
        db.session.rollback()
        fail(refused.message)
    db.session.commit()
    click.echo(f"Mandat #{mandate_id} dicabut.")


@mandate_group.command("list")
@with_appcontext
def mandate_list() -> None:
    mandates = db.session.execute(sa.select(Mandate).order_by(Mandate.id)).scalars()
    for m in mandates:
        until = m.valid_until.isoformat() if m.valid_until else "-"
        state = "dicabut" if m.revoked_at else "aktif"
        click.echo(
            f"#{m.id}\t{MandateKind(m.kind).value}\t{m.principal_office.title}\t{m.deputy.username}"
            f"\t{m.letter_number}\t{m.valid_from.isoformat()}..{until}\t{state}"
        )


# ------------------------------------------------------------------------------ void, remind


@click.command("void")
@click.option("--commitment", "commitment_id", type=int, required=True)
@click.option("--reason", required=True)
@click.option("--no-reissue", is_flag=True, help="Jangan terbitkan versi baru.")
@with_appcontext
def void_command(commitment_id: int, reason: str, no_reissue: bool) -> None:
    """Batalkan dokumen (dengan alasan) dan terbitkan versi barunya."""

    commitment = get_or_fail(Commitment, commitment_id, f"Dokumen {commitment_id} tidak ditemukan.")
    try:
        replacement = void_commitment(
            db.session, commitment, reason, actor="cli", reissue=not no_reissue
        )
    except (WorkflowRefused, CommitmentError) as refused:
        db.session.rollback()
        fail(getattr(refused, "message", str(refused)))
    db.session.commit()
    click.echo(f"Dokumen {commitment.number} dibatalkan.")
    if replacement is not None:
        click.echo(f"Versi baru: {replacement.number} (id {replacement.id}).")


@click.command("remind")
@click.option("--event", "event_id", type=int, required=True)
@with_appcontext
def remind_command(event_id: int) -> None:
    """Kirim pengingat kepada setiap pejabat yang sedang mendapat giliran."""

    get_or_fail(Event, event_id, f"Acara {event_id} tidak ditemukan.")
    sent = send_event_reminders(db.session, event_id, actor="cli")
    db.session.commit()
    click.echo(f"{len(sent)} pengingat dikirim.")


COMMANDS = [status_command, mandate_group, void_command, remind_command]
