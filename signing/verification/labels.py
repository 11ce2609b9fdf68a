"""How verification and the public pages name an act: its kind, capacity, slot and time."""

from __future__ import annotations

import datetime as dt

from signing.dates import moment_text
from signing.models import Act, ActKind, Capacity

__all__ = ["act_kind_label", "attests_label", "capacity_label", "format_wib", "slot_label"]


def format_wib(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """``24-10-2019 10.15 WIB`` (empty for None): :func:`signing.dates.moment_text`."""
    return moment_text(moment, seconds=seconds)


_KIND_LABELS = {
    "seal": "Segel instansi",
    "sign": "Tanda tangan",
    "paraf": "Paraf",
    "witness": "Saksi",
    "timestamp": "Cap waktu dokumen",
}


def capacity_label(capacity: Capacity | str | None) -> str:
    if capacity is None:
        return ""
    capacity = Capacity(capacity)
    if capacity is Capacity.HOLDER:
        return "Pemegang jabatan"
    if capacity is Capacity.STAND_IN:
        return "Mewakili (paraf saja, tanpa mandat)"
    return {"plt": "Plt. (Pelaksana Tugas)", "plh": "Plh. (Pelaksana Harian)", "an": "a.n."}[
        capacity.value
    ]


def act_kind_label(kind: str | None) -> str:
    return _KIND_LABELS.get(kind or "", "Tidak tercatat di sistem ini")


def attests_label(act: Act) -> str | None:
    target = act.attests
    if target is None:
        return None
    office = f" ({target.actor_office_title})" if target.actor_office_title else ""
    return f"menyaksikan {ActKind(target.kind).label.lower()} {target.actor_name}{office}"


def slot_label(act: Act) -> str:
    if act.slot is not None:
        return act.slot.role.label
    return "Segel instansi" if act.kind == ActKind.SEAL else ""


# ---------------------------------------------------------------------------- results
