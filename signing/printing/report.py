"""The status report (rekapitulasi) of an event, from the acts: matrix, paraf-only list, totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from signing.dates import WIB
from signing.documents.content import format_hari_tanggal
from signing.documents.report import (
    ParafOnlyRow,
    ReportCell,
    ReportRow,
    StatusReport,
    render_status_report,
)
from signing.models import Act, Commitment, Event, SlotRole
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS
from signing.verification.labels import format_wib
from signing.workflow.status import (
    CommitmentState,
    CommitmentStatus,
    SlotStatus,
    event_overview,
)

__all__ = ["SLOT_ORDER", "StatusReportFile", "report_data", "status_report"]

#: Columns of the matrix: the parties as they sign, then the witnesses.
SLOT_ORDER: tuple[SlotRole, ...] = (*PARTY_SLOTS[:2], PARTY_SLOTS[2], *WITNESS_SLOTS)
SLOT_HEADERS = {
    SlotRole.KEPALA_DAERAH: "Bupati/ Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD Kab/Kota",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi: Wakil Gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi: Ketua DPRD Provinsi",
}
LEGEND = (
    "TTD = ditandatangani",
    "Paraf = baru diparaf, tanda tangan ditunggu",
    "Saksi = sudah bersaksi",
    "- = belum",
    "(Plt./Plh./a.n.) = oleh pemegang mandat",
    "Waktu dalam WIB",
)


def _short_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    # The table style of signing.dates (Indonesian clock with a point), without the year: the
    # report's title has the date and the cells are narrow.
    return f"{moment.astimezone(WIB):%d-%m %H.%M}"


def _capacity_suffix(act: Act | None) -> str:
    if act is None:
        return ""
    line = {"plt": "Plt.", "plh": "Plh.", "an": "a.n."}.get(str(act.capacity.value))
    return f" ({line})" if line else ""


def _cell(role: SlotRole, slot: SlotStatus) -> ReportCell:
    state = slot.state.value
    if state == "signed":
        act = slot.witness_act if role.is_witness else slot.sign_act
        word = "Saksi" if role.is_witness else "TTD"
        when = _short_time(act.created_at if act else None)
        return ReportCell("signed", f"{word}{_capacity_suffix(act)} {when}".strip())
    if state == "paraf_only":
        when = _short_time(slot.paraf_act.created_at if slot.paraf_act else None)
        return ReportCell("paraf_only", f"Paraf {when}".strip())
    if state == "declined":
        return ReportCell("declined", "Ditolak")
    return ReportCell("pending", "-")


@dataclass(frozen=True)
class StatusReportFile:
    pdf: bytes
    data: StatusReport


def event_with_overview(
    db_session: Session, event_id: int
) -> tuple[Event, list[tuple[Commitment, CommitmentStatus]]]:
    """The event and every commitment of it with its status, for a printed summary.

    :raises LookupError: no such event.
    """
    event = db_session.get(Event, event_id)
    if event is None:
        raise LookupError(f"Acara {event_id} tidak ditemukan.")
    return event, event_overview(db_session, event_id)


def report_data(
    db_session: Session, event_id: int, *, now: dt.datetime | None = None
) -> StatusReport:
    """The rekapitulasi's content, straight from the acts (needs an application context).

    :raises LookupError: no such event.
    """
    event, overview = event_with_overview(db_session, event_id)
    now = now or dt.datetime.now(dt.UTC)
    rows: list[ReportRow] = []
    paraf_rows: list[ParafOnlyRow] = []
    states: dict[CommitmentState, int] = {}
    parties_signed = witnesses = 0
    for k, (commitment, status) in enumerate(overview, start=1):
        states[status.state] = states.get(status.state, 0) + 1
        parties_signed += status.parties_signed
        witnesses += status.witnesses_attested
        rows.append(
            ReportRow(
                number=k,
                region_label=commitment.region.name,
                document_number=commitment.number,
                cells=tuple(_cell(role, status.slots[role]) for role in SLOT_ORDER),
                state_label=status.state.label,
                completed_at=format_wib(commitment.completed_at),
            )
        )
        if status.state is CommitmentState.VOID:
            continue
        slots = {slot.role: slot for slot in commitment.slots}
        for role in status.owed_signatures:
            paraf = status.slots[role].paraf_act
            attesting = [
                act
                for act in commitment.acts
                if paraf is not None and act.attests_act_id == paraf.id
            ]
            office = slots[role].office
            holder = office.current_holder
            by = paraf.actor_name if paraf else "-"
            if paraf is not None and paraf.actor_office_title:
                by += f" ({paraf.actor_office_title})"
            paraf_rows.append(
                ParafOnlyRow(
                    region_label=commitment.region.name,
                    slot_label=role.label,
                    paraf_by=by,
                    paraf_at=format_wib(paraf.created_at if paraf else None),
                    witnessed_by="; ".join(
                        f"{a.actor_name} ({a.actor_office_title})"
                        if a.actor_office_title
                        else a.actor_name
                        for a in attesting
                    ),  # fmt: skip
                    owed_by=f"{office.title}" + (f": {holder.name}" if holder else ""),
                )
            )
    count = len(overview)
    live = count - states.get(CommitmentState.VOID, 0)
    totals: list[tuple[str, int]] = [("Jumlah komitmen", count)]
    for state in CommitmentState:
        if states.get(state):
            totals.append((state.label, states[state]))
    totals += [
        (f"Tanda tangan pihak (dari {live * len(PARTY_SLOTS)})", parties_signed),
        (f"Kesaksian (dari {live * len(WITNESS_SLOTS)})", witnesses),
        ("Paraf yang menunggu tanda tangan", len(paraf_rows)),
    ]
    return StatusReport(
        event_name=event.name,
        event_date_label=format_hari_tanggal(event.date),
        event_place=event.place,
        institution=current_app.config["INSTITUTION"],
        slot_headers=tuple(SLOT_HEADERS[role] for role in SLOT_ORDER),
        rows=tuple(rows),
        paraf_only=tuple(paraf_rows),
        totals=tuple(totals),
        printed_at_wib=format_wib(now),
        legend=LEGEND,
    )


def status_report(
    db_session: Session, event_id: int, *, now: dt.datetime | None = None
) -> StatusReportFile:
    """The rekapitulasi PDF of ``event_id`` and the data it shows."""
    data = report_data(db_session, event_id, now=now)
    return StatusReportFile(render_status_report(data), data)
