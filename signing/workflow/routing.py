"""Routing policies: in what order the slots of a commitment may act.

Pure functions over slot states; no database, no ORM. An event stores its policy as JSON in
``Event.routing_policy`` (see ``DEFAULT_ROUTING`` in :mod:`signing.models.events`); this module
reads it, validates it and answers "whose turn is it" and "whom is this slot waiting for".

The policy keys:

``mode``
    ``"default"`` (the two regional parties in any order, then the Gubernur), ``"sequential"``
    (``order``: one party after the other) or ``"groups"`` (``groups``: a list of parallel groups,
    every group waits for the one before it).
``groups`` / ``order``
    The party roles (``kepala_daerah``, ``ketua_dprd``, ``gubernur``); each exactly once.
``witnesses``
    ``"from_first_act"`` (default: at the meeting the witnesses attested the Wakil Bupati's paraf as
    it happened), ``"after_parties"`` (only once every party has signed) or ``"anytime"``.
``gubernur_after``
    What a party's act must be before the next group (the Gubernur, by default) may act:
    ``"acted"`` (default: a paraf counts, so the Gubernur can sign while a Bupati's own signature
    is still owed, as at the meeting in the source article) or ``"signed"``. Either way a paraf-only
    slot stays open for the principal's full signature and the commitment is not complete until
    it comes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS, SlotRole
from signing.models.labels import LabelledEnum


class SlotState(LabelledEnum):
    PENDING = "pending", "Menunggu"
    PARAF_ONLY = "paraf_only", "Baru diparaf"
    #: For a witness slot: attested.
    SIGNED = "signed", "Sudah ditandatangani"
    DECLINED = "declined", "Ditolak"


class InvalidPolicy(ValueError):
    """The routing policy given by the secretariat is not usable (message in Indonesian)."""


MODES = ("default", "sequential", "groups")
WITNESS_MODES = ("from_first_act", "after_parties", "anytime")
ADVANCE_MODES = ("acted", "signed")

_DEFAULT_GROUPS = ((SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD), (SlotRole.GUBERNUR,))


@dataclass(frozen=True)
class RoutingPolicy:
    mode: str = "default"
    #: Parallel groups of party roles, in order (sequential mode: groups of one).
    groups: tuple[tuple[SlotRole, ...], ...] = _DEFAULT_GROUPS
    witnesses: str = "from_first_act"
    gubernur_after: str = "acted"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RoutingPolicy:
        """Read (and validate) a stored policy; missing keys take the defaults."""
        data = dict(data or {})
        mode = data.get("mode", "default")
        if mode not in MODES:
            raise InvalidPolicy(f"Mode urutan tidak dikenal: {mode!r}.")
        if mode == "default":
            raw_groups: Any = data.get("groups") or [[r.value for r in g] for g in _DEFAULT_GROUPS]
        elif mode == "sequential":
            order = data.get("order")
            if not order:
                raise InvalidPolicy("Urutan berurutan memerlukan daftar 'order'.")
            raw_groups = [[role] for role in order]
        else:
            raw_groups = data.get("groups")
            if not raw_groups:
                raise InvalidPolicy("Urutan kelompok memerlukan daftar 'groups'.")
        groups = tuple(tuple(_party_role(r) for r in group) for group in raw_groups)
        if any(not group for group in groups):
            raise InvalidPolicy("Kelompok urutan tidak boleh kosong.")
        roles = [role for group in groups for role in group]
        if sorted(roles) != sorted(PARTY_SLOTS):
            raise InvalidPolicy(
                "Urutan harus memuat Bupati/Wali Kota, Ketua DPRD dan Gubernur, masing-masing "
                "tepat satu kali."
            )
        witnesses = data.get("witnesses", "from_first_act")
        if witnesses not in WITNESS_MODES:
            raise InvalidPolicy(f"Aturan saksi tidak dikenal: {witnesses!r}.")
        advance = data.get("gubernur_after", "acted")
        if advance not in ADVANCE_MODES:
            raise InvalidPolicy(f"Aturan 'gubernur_after' tidak dikenal: {advance!r}.")
        return cls(mode=mode, groups=groups, witnesses=witnesses, gubernur_after=advance)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "mode": self.mode,
            "witnesses": self.witnesses,
            "gubernur_after": self.gubernur_after,
        }
        if self.mode == "sequential":
            data["order"] = [group[0].value for group in self.groups]
        else:
            data["groups"] = [[role.value for role in group] for group in self.groups]
        return data

    @property
    def done_states(self) -> frozenset[SlotState]:
        """States in which a party counts as done for the next group to move."""
        if self.gubernur_after == "signed":
            return frozenset({SlotState.SIGNED})
        return frozenset({SlotState.SIGNED, SlotState.PARAF_ONLY})


def _party_role(value: Any) -> SlotRole:
    try:
        role = SlotRole(value)
    except ValueError:
        raise InvalidPolicy(f"Peran tidak dikenal dalam urutan: {value!r}.") from None
    if role.is_witness:
        raise InvalidPolicy("Saksi tidak dimasukkan ke urutan; gunakan aturan 'witnesses'.")
    return role


def _states(states: Mapping[SlotRole, SlotState]) -> dict[SlotRole, SlotState]:
    return {role: states.get(role, SlotState.PENDING) for role in (*PARTY_SLOTS, *WITNESS_SLOTS)}


def witnesses_may_act(policy: RoutingPolicy, states: Mapping[SlotRole, SlotState]) -> bool:
    states = _states(states)
    if policy.witnesses == "anytime":
        return True
    if policy.witnesses == "after_parties":
        return all(states[r] is SlotState.SIGNED for r in PARTY_SLOTS)
    return any(states[r] is not SlotState.PENDING for r in PARTY_SLOTS)


def waiting_for(
    policy: RoutingPolicy, states: Mapping[SlotRole, SlotState], role: SlotRole
) -> list[SlotRole]:
    """The roles ``role`` still waits for; empty when it is (or was) its turn."""
    states = _states(states)
    role = SlotRole(role)
    if role.is_witness:
        if witnesses_may_act(policy, states):
            return []
        if policy.witnesses == "after_parties":
            return [r for r in PARTY_SLOTS if states[r] is not SlotState.SIGNED]
        # from_first_act: any one of the first group acting opens the witnesses' turn
        return list(policy.groups[0])
    blocking: list[SlotRole] = []
    for group in policy.groups:
        if role in group:
            return blocking
        blocking.extend(r for r in group if states[r] not in policy.done_states)
    raise AssertionError(f"{role} missing from the policy")  # from_dict guarantees it


def whose_turn(policy: RoutingPolicy, states: Mapping[SlotRole, SlotState]) -> list[SlotRole]:
    """Slots that can act now and still have something to do.

    A paraf-only party slot whose turn has come stays in the list: the principal's full
    signature is owed. Nobody's turn once any slot declined (the version is dead) or once
    everything is done.
    """
    states = _states(states)
    if any(state is SlotState.DECLINED for state in states.values()):
        return []
    turn: list[SlotRole] = []
    for group in policy.groups:
        turn.extend(r for r in group if states[r] in (SlotState.PENDING, SlotState.PARAF_ONLY))
        if any(states[r] not in policy.done_states for r in group):
            break
    if witnesses_may_act(policy, states):
        turn.extend(r for r in WITNESS_SLOTS if states[r] is SlotState.PENDING)
    return turn


DEFAULT_POLICY = RoutingPolicy()
