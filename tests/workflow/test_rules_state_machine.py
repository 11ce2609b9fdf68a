"""A hypothesis state machine over the pure rule layer (1,000+ runs).

Random officials (holders, deputies, mandate holders, the secretariat, outsiders) try random acts
on one commitment under a random routing policy, while mandates are recorded and the
commitment may be voided. A small independent model says what must be allowed; the rules must
agree with it exactly, and the derived status must equal what the model's acts say.

One person, one role per commitment (issue 15): the Wakil Gubernur is both the Gubernur's deputy
and the first witness, and mandates make other officials reach other slots, so the machine meets
people who could act in two slots; the model refuses anyone a slot other than the one they acted
on, and the invariants check that no one ever acted on two slots or witnessed their own act.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from signing.models import ActKind, Capacity, MandateKind, SlotRole
from signing.workflow import rules
from signing.workflow.routing import SlotState
from signing.workflow.status import CommitmentState, commitment_status

from .builders import TODAY, World

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI
PARTIES = (KD, KETUA, GUB)
WITNESSES = (SAKSI1, SAKSI2)

HOLDER = {
    KD: "bupati",
    KETUA: "ketua_dprd",
    GUB: "gubernur",
    SAKSI1: "wakil_gubernur",
    SAKSI2: "ketua_dprd_provinsi",
}
DEPUTY = {KD: "wakil_bupati", KETUA: "wakil_ketua_dprd", GUB: "wakil_gubernur"}
OFFICE_ROLE = {"bupati": KD, "ketua_dprd": KETUA, "gubernur": GUB, "wakil_gubernur": SAKSI1}
USERS = [
    "bupati",
    "wakil_bupati",
    "ketua_dprd",
    "wakil_ketua_dprd",
    "gubernur",
    "wakil_gubernur",
    "ketua_dprd_provinsi",
    "sekretariat",
    "admin",
    "outsider",
    "sekda",
    "wakil_bupati_kapuas",
]
VALIDITY = {
    "valid": ({"valid_from": TODAY - dt.timedelta(days=10)}, True),
    "this_event": ({"event_id": 1, "valid_until": TODAY}, True),
    "expired": (
        {"valid_from": TODAY - dt.timedelta(days=30), "valid_until": TODAY - dt.timedelta(days=1)},
        False,
    ),
    "future": ({"valid_from": TODAY + dt.timedelta(days=1)}, False),
    "revoked": ({"revoked": True}, False),
    "other_event": ({"event_id": 99}, False),
}
ORDERS = [
    list(p)
    for p in (
        ("kepala_daerah", "ketua_dprd", "gubernur"),
        ("gubernur", "ketua_dprd", "kepala_daerah"),
        ("ketua_dprd", "gubernur", "kepala_daerah"),
    )
]
POLICIES = st.one_of(
    st.builds(
        lambda w, g: {"mode": "default", "witnesses": w, "gubernur_after": g},
        st.sampled_from(["from_first_act", "after_parties", "anytime"]),
        st.sampled_from(["acted", "signed"]),
    ),
    st.builds(
        lambda o, w: {"mode": "sequential", "order": o, "witnesses": w},
        st.sampled_from(ORDERS),
        st.sampled_from(["from_first_act", "anytime"]),
    ),
    st.builds(
        lambda g: {"mode": "groups", "groups": g},
        st.sampled_from(
            [
                [["gubernur", "ketua_dprd"], ["kepala_daerah"]],
                [["kepala_daerah", "ketua_dprd", "gubernur"]],
                [["ketua_dprd"], ["kepala_daerah", "gubernur"]],
            ]
        ),
    ),
)


class Model:
    """What the acts mean, written independently of signing.workflow."""

    def __init__(self, policy: dict) -> None:  # type: ignore[type-arg]
        self.policy = rules.RoutingPolicy.from_dict(policy)
        self.signed = {r: False for r in SlotRole}
        self.paraf = {r: False for r in PARTIES}
        self.declined = {r: False for r in PARTIES}
        self.void = False
        self.mandates: list[tuple[str, SlotRole, Capacity]] = []
        #: The slot each person acted on (one person, one role per commitment).
        self.acted: dict[str, SlotRole] = {}

    def state(self, role: SlotRole) -> SlotState:
        if role in PARTIES and self.declined[role]:
            return SlotState.DECLINED
        if self.signed[role]:
            return SlotState.SIGNED
        if role in PARTIES and self.paraf[role]:
            return SlotState.PARAF_ONLY
        return SlotState.PENDING

    @property
    def complete(self) -> bool:
        return all(self.signed.values())

    def commitment_state(self) -> CommitmentState:
        if self.void:
            return CommitmentState.VOID
        if any(self.declined.values()):
            return CommitmentState.DECLINED
        if self.complete:
            return CommitmentState.COMPLETE
        if all(self.signed[r] for r in PARTIES):
            return CommitmentState.SIGNED_BY_ALL
        if any(self.state(r) is SlotState.PARAF_ONLY for r in PARTIES):
            return CommitmentState.PARAF_OUTSTANDING
        if all(self.state(r) is SlotState.PENDING for r in SlotRole):
            return CommitmentState.DRAFT
        return CommitmentState.CIRCULATING

    def capacities(self, user: str, role: SlotRole) -> set[Capacity]:
        caps = set()
        if HOLDER[role] == user:
            caps.add(Capacity.HOLDER)
        caps |= {cap for deputy, r, cap in self.mandates if deputy == user and r == role}
        if DEPUTY.get(role) == user:
            caps.add(Capacity.STAND_IN)
        return caps

    def turn_ok(self, role: SlotRole) -> bool:
        done = {SlotState.SIGNED} | (
            {SlotState.PARAF_ONLY} if self.policy.gubernur_after == "acted" else set()
        )
        if role in WITNESSES:
            if self.policy.witnesses == "anytime":
                return True
            if self.policy.witnesses == "after_parties":
                return all(self.signed[r] for r in PARTIES)
            return any(self.state(r) is not SlotState.PENDING for r in PARTIES)
        for group in self.policy.groups:
            if role in group:
                return True
            if any(self.state(r) not in done for r in group):
                return False
        raise AssertionError

    def allowed(
        self,
        user: str,
        role: SlotRole,
        kind: ActKind,
        capacity: Capacity | None,
        *,
        one_role: bool = True,
        attests: ActKind | None = None,
    ) -> bool:
        """``one_role``: apply the person rule (whose turn it is is about slots, not persons).
        ``attests``: kind of the act a witness names (None: none named)."""
        if self.void or user in ("sekretariat", "admin"):
            return False
        if one_role and self.acted.get(user, role) is not role:
            return False
        if kind is ActKind.WITNESS and attests not in (None, ActKind.SIGN, ActKind.PARAF):
            return False
        caps = self.capacities(user, role)
        if capacity is not None:
            caps &= {capacity}
        kinds = set()
        for cap in caps:
            if role in WITNESSES:
                kinds |= {ActKind.WITNESS} if cap is not Capacity.STAND_IN else set()
            elif cap is Capacity.STAND_IN:
                kinds |= {ActKind.PARAF}
            else:
                kinds |= {ActKind.SIGN, ActKind.PARAF, ActKind.DECLINE}
        if kind not in kinds:
            return False
        state = self.state(role)
        if (
            self.complete
            or any(self.declined.values())
            or state is not SlotState.PENDING
            and (kind is not ActKind.SIGN or state is not SlotState.PARAF_ONLY)
            and not (kind is ActKind.DECLINE and state is SlotState.PARAF_ONLY)
        ):
            return False
        if kind is ActKind.DECLINE or state is SlotState.PARAF_ONLY:
            return True
        return self.turn_ok(role)

    def record(self, role: SlotRole, kind: ActKind, user: str | None = None) -> None:
        if user is not None:
            self.acted.setdefault(user, role)
        if kind is ActKind.PARAF:
            self.paraf[role] = True
        elif kind is ActKind.DECLINE:
            self.declined[role] = True
        else:
            self.signed[role] = True


class RuleMachine(RuleBasedStateMachine):
    @initialize(policy=POLICIES)
    def setup(self, policy: dict) -> None:  # type: ignore[type-arg]
        self.world = World(policy)
        self.model = Model(policy)
        self.acts_at_end: int | None = None

    @rule(
        user=st.sampled_from(USERS),
        role=st.sampled_from(list(SlotRole)),
        kind=st.sampled_from([ActKind.SIGN, ActKind.PARAF, ActKind.WITNESS, ActKind.DECLINE]),
        capacity=st.one_of(st.none(), st.sampled_from(list(Capacity))),
    )
    def act(
        self,
        user: str,
        role: SlotRole,
        kind: ActKind,
        capacity: Capacity | None,
        attests: int | None = None,
    ) -> None:
        attested = next((a for a in self.world.commitment.acts if a.id == attests), None)
        expected = self.model.allowed(
            user, role, kind, capacity, attests=attested.kind if attested else None
        )
        state_before = self.model.state(role)
        try:
            act = self.world.act(
                role, kind, user, capacity=capacity, reason="alasan", attests_act_id=attests
            )
        except rules.WorkflowRefused as refused:
            assert not expected, f"refused but allowed: {refused!r}"
            assert refused.message and refused.http_status in (403, 404, 409, 422)
            if self.model.void:
                assert refused.code == "void"
            elif (
                kind in (ActKind.SIGN, ActKind.WITNESS)
                and state_before is SlotState.SIGNED
                and (
                    self.model.capacities(user, role)
                    and (role in WITNESSES) == (kind is ActKind.WITNESS)
                    and user not in ("sekretariat", "admin")
                )
            ):
                assert refused.code == "already_done"
            elif self.model.allowed(user, role, kind, capacity, one_role=False) and (
                attested is None or attested.kind in (ActKind.SIGN, ActKind.PARAF)
            ):
                # Refused only by the person rule: its own code, the same everywhere.
                assert refused.code == "one_role", refused
                assert refused.http_status == 409
            return
        assert expected, f"allowed but the model refuses: {user} {kind} {role} {capacity}"
        # A stand-in without mandate never produces a signature.
        if act.capacity is Capacity.STAND_IN:
            assert act.kind is ActKind.PARAF and act.mandate_id is None
        if act.kind in (ActKind.SIGN, ActKind.DECLINE, ActKind.WITNESS):
            assert act.capacity is Capacity.HOLDER or act.mandate_id is not None
        self.model.record(role, kind, user)

    @rule(
        role=st.sampled_from(list(SlotRole)),
        deputy=st.booleans(),
        kind=st.sampled_from([ActKind.SIGN, ActKind.PARAF, ActKind.SIGN, ActKind.DECLINE]),
    )
    def plausible_act(self, role: SlotRole, deputy: bool, kind: ActKind) -> None:
        """Mostly the acts people at the desk actually try: their own slot, a fitting kind."""
        user = DEPUTY.get(role, HOLDER[role]) if deputy else HOLDER[role]
        if role in WITNESSES:
            kind = ActKind.WITNESS
        elif deputy and kind is ActKind.DECLINE:
            kind = ActKind.PARAF
        self.act(user, role, kind, None)

    @rule(
        user=st.sampled_from(["wakil_gubernur", "ketua_dprd_provinsi", "sekda", "wakil_bupati"]),
        role=st.sampled_from(list(WITNESSES)),
        index=st.integers(min_value=0, max_value=20),
    )
    def witness_a_chosen_act(self, user: str, role: SlotRole, index: int) -> None:
        """A witness names the act attested, perhaps one of their own."""
        acts = self.world.commitment.acts
        attests = acts[index % len(acts)].id if acts else None
        self.act(user, role, ActKind.WITNESS, None, attests)

    @rule(
        deputy=st.sampled_from(["wakil_bupati", "wakil_ketua_dprd", "wakil_gubernur", "sekda"]),
        office=st.sampled_from(sorted(OFFICE_ROLE)),
        kind=st.sampled_from(list(MandateKind)),
        validity=st.sampled_from(sorted(VALIDITY)),
    )
    def record_mandate(self, deputy: str, office: str, kind: MandateKind, validity: str) -> None:
        attributes, valid = VALIDITY[validity]
        self.world.mandate(deputy, office, kind, **attributes)
        if valid and HOLDER[OFFICE_ROLE[office]] != deputy:
            self.model.mandates.append((deputy, OFFICE_ROLE[office], Capacity(kind.value)))
        elif valid:
            # A holder with a mandate for their own office: the mandate adds its capacity.
            self.model.mandates.append((deputy, OFFICE_ROLE[office], Capacity(kind.value)))

    @rule()
    def void(self) -> None:
        if not self.model.void and not self.model.complete:
            self.world.void()
            self.model.void = True

    @invariant()
    def status_equals_the_acts(self) -> None:
        status = commitment_status(self.world.commitment)
        assert status.state is self.model.commitment_state()
        for role in SlotRole:
            assert status.slots[role].state is self.model.state(role), role
        assert status.is_complete == self.model.complete

    @invariant()
    def whose_turn_is_who_may_act(self) -> None:
        status = commitment_status(self.world.commitment)
        may = [
            role
            for role in SlotRole
            if self.model.allowed(
                HOLDER[role],
                role,
                ActKind.WITNESS if role in WITNESSES else ActKind.SIGN,
                None,
                one_role=False,
            )
        ]
        assert sorted(status.whose_turn) == sorted(may)

    @invariant()
    def nothing_after_void_or_completion(self) -> None:
        count = len(self.world.commitment.acts)
        if self.model.void or self.model.complete:
            if self.acts_at_end is None:
                self.acts_at_end = count
            assert count == self.acts_at_end

    @invariant()
    def one_person_one_role(self) -> None:
        """Nobody acted on two slots of the commitment, nor witnessed their own act."""
        acts = self.world.commitment.acts
        slots: dict[int, set[int]] = {}
        for act in acts:
            slots.setdefault(act.actor_user_id, set()).add(act.slot_id)
        assert all(len(s) == 1 for s in slots.values()), slots
        by_id = {act.id: act for act in acts}
        for act in acts:
            if act.attests_act_id in by_id:
                assert by_id[act.attests_act_id].actor_user_id != act.actor_user_id

    @invariant()
    def order_respected(self) -> None:
        """Replay the acts: no party signed before the groups ahead of it were done."""
        policy = self.model.policy
        replay = Model({})
        replay.policy = policy
        for act in self.world.commitment.acts:
            role = act.slot.role
            if act.kind in (ActKind.SIGN, ActKind.PARAF, ActKind.WITNESS) and (
                replay.state(role) is not SlotState.PARAF_ONLY
            ):
                assert replay.turn_ok(role), (role, act.kind)
            replay.record(role, act.kind)


RuleMachine.TestCase.settings = settings(
    max_examples=1000,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRules = RuleMachine.TestCase
