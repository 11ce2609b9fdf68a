"""The secretariat's words for what the dashboard, the lists and the exports show.

Column order and labels of the matrix, the word for each slot and commitment state, the audit
actions of a commitment's timeline, and how an act's actor is named ("Wakil Bupati H.M. Taufik
Mukri sebagai Plt."). Indonesian here; each label is its own msgid, translated where shown.
"""

from __future__ import annotations

import datetime as dt

from signing.dates import wib_text
from signing.models import Act, ActKind, Capacity, Region
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS, SlotRole
from signing.models.regions import OFFICE_LABELS
from signing.workflow.status import CommitmentState, SlotState, SlotStatus

ALL_SLOTS: tuple[SlotRole, ...] = (*PARTY_SLOTS, *WITNESS_SLOTS)
#: Matrix column order as the secretariat reads it: the region's two parties, the Gubernur,
#: then the witnesses.
MATRIX_SLOTS: tuple[SlotRole, ...] = (
    SlotRole.KEPALA_DAERAH,
    SlotRole.KETUA_DPRD,
    SlotRole.GUBERNUR,
    SlotRole.SAKSI_WAKIL_GUBERNUR,
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI,
)
COLUMN_LABELS = {
    SlotRole.KEPALA_DAERAH: "Bupati/Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi Wakil Gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi Ketua DPRD Provinsi",
}
#: Audit actions in the commitment timeline, in words; unknown actions show as they are.
AUDIT_WORDS = {
    "commitment.generate": "Dokumen dibuat",
    "commitment.regenerate": "Dokumen dibuat ulang",
    "commitment.seal": "Disegel instansi",
    "commitment.void": "Dokumen dibatalkan (void)",
    "commitment.reissue": "Versi baru diterbitkan",
    "commitment.complete": "Komitmen lengkap",
    "act.sign": "Ditandatangani",
    "act.paraf": "Diparaf",
    "act.witness": "Disaksikan",
    "act.decline": "Ditolak",
    "act.refused": "Tindakan ditolak sistem",
    "reminder.send": "Pengingat dikirim",
    "mail.failed": "E-mail pemberitahuan tidak terkirim",
    "notification.turn": "Pemberitahuan giliran",
    "mandate.create": "Mandat dicatat",
    "mandate.revoke": "Mandat dicabut",
}
#: Column heads of the matrix: short enough for a tablet held upright.
SHORT_LABELS = {
    SlotRole.KEPALA_DAERAH: "Bupati/ Wali Kota",
    SlotRole.KETUA_DPRD: "Ketua DPRD",
    SlotRole.GUBERNUR: "Gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "Saksi: Wagub",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "Saksi: Ketua DPRD Prov.",
}


def state_word(role: SlotRole, state: SlotState) -> str:
    """The word in a matrix cell: menunggu, paraf saja, ditandatangani / disaksikan, ditolak."""
    if state is SlotState.SIGNED:
        return "disaksikan" if role.is_witness else "ditandatangani"
    return {
        SlotState.PENDING: "menunggu",
        SlotState.PARAF_ONLY: "paraf saja",
        SlotState.DECLINED: "ditolak",
    }[state]


COMMITMENT_WORDS = {
    CommitmentState.DRAFT: "belum ada tindakan",
    CommitmentState.CIRCULATING: "berjalan",
    CommitmentState.PARAF_OUTSTANDING: "tanda tangan terutang",
    CommitmentState.SIGNED_BY_ALL: "menunggu saksi",
    CommitmentState.COMPLETE: "lengkap",
    CommitmentState.DECLINED: "ditolak",
    CommitmentState.VOID: "dibatalkan",
}
COMMITMENT_CLASSES = {
    CommitmentState.DRAFT: "st-pending",
    CommitmentState.CIRCULATING: "st-pending",
    CommitmentState.PARAF_OUTSTANDING: "st-paraf_only",
    CommitmentState.SIGNED_BY_ALL: "st-paraf_only",
    CommitmentState.COMPLETE: "st-signed",
    CommitmentState.DECLINED: "st-declined",
    CommitmentState.VOID: "st-void",
}


def duration_words(delta: dt.timedelta) -> str:
    """``3 hari 4 jam``, ``5 jam 12 menit``, ``kurang dari 1 menit``."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} hari {hours} jam"
    if hours:
        return f"{hours} jam {minutes} menit"
    if minutes:
        return f"{minutes} menit"
    return "kurang dari 1 menit"


OFFICE_WORDS = frozenset(OFFICE_LABELS.values())
#: Provincial office titles end with the province's name, which the page already shows.
PROVINCIAL_TITLES = ("Ketua DPRD Provinsi", "Wakil Gubernur", "Gubernur")


def _office_word(title: str | None, region: Region | None) -> str:
    """ "Wakil Bupati" for "Wakil Bupati Kotawaringin Timur" (the page already names the place)."""
    if not title:
        return ""
    for prefix in PROVINCIAL_TITLES:
        if title.startswith(prefix + " "):
            return prefix
    if region is not None:
        # "Wakil Wali Kota Banda Aceh" ends with "Kota Banda Aceh" too: prefer a cut that
        # leaves a known office name.
        cuts = [
            title[: -len(suffix) - 1]
            for suffix in (region.name, region.short_name)
            if title.endswith(" " + suffix)
        ]
        known = [cut for cut in cuts if cut in OFFICE_WORDS]
        if known or cuts:
            return (known or cuts)[0]
    return title


def actor_line(act: Act, region: Region | None) -> str:
    """``Wakil Bupati H.M. Taufik Mukri`` (+ `` sebagai Plt.`` when under a mandate)."""
    office = _office_word(act.actor_office_title, region)
    line = f"{office} {act.actor_name}".strip()
    capacity = Capacity(act.capacity)
    if capacity.line:
        line += f" sebagai {capacity.line}"
    return line


ACT_WORDS = {
    ActKind.SIGN: "ditandatangani",
    ActKind.PARAF: "paraf",
    ActKind.WITNESS: "disaksikan",
    ActKind.DECLINE: "ditolak",
    ActKind.SEAL: "disegel",
}


CAPACITY_WORDS = {
    Capacity.HOLDER: "pemegang jabatan",
    Capacity.PLT: "Plt. (dengan mandat)",
    Capacity.PLH: "Plh. (dengan mandat)",
    Capacity.AN: "a.n. (dengan mandat)",
    Capacity.STAND_IN: "wakil tanpa mandat (hanya paraf)",
}


def slot_history(slot: SlotStatus, region: Region | None) -> list[str]:
    """``["paraf Wakil Bupati H.M. Taufik Mukri (24 Okt 2019 10:00 WIB)", "ditandatangani ..."]``:
    the slot's acts, oldest first."""
    ordered = sorted(slot.acts, key=lambda act: (act.created_at, act.id or 0))
    return [
        f"{ACT_WORDS[ActKind(act.kind)]} {actor_line(act, region)} ({wib_text(act.created_at)})"
        for act in ordered
    ]
