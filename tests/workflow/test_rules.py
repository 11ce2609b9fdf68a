"""Every rule and every refusal message of the pure rule layer."""

from __future__ import annotations

import datetime as dt

import pytest

from signing.models import ActKind, Capacity, MandateKind, SlotRole
from signing.workflow import rules
from signing.workflow.routing import InvalidPolicy, RoutingPolicy, SlotState
from signing.workflow.status import CommitmentState, commitment_status

from .builders import TODAY, World

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI
SIGN, PARAF, WITNESS, DECLINE = ActKind.SIGN, ActKind.PARAF, ActKind.WITNESS, ActKind.DECLINE


def refusal(world: World, role, kind, user, **kwargs) -> rules.WorkflowRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(rules.WorkflowRefused) as caught:
        world.check(role, kind, user, **kwargs)
    return caught.value


def allowed(world: World, role, user) -> set[tuple[ActKind, Capacity]]:  # type: ignore[no-untyped-def]
    found = rules.allowed_acts(
        world.commitment, world.slot(role), world.users[user], world.mandates, TODAY
    )
    return {(a.kind, a.capacity) for a in found}


def sign_all_parties(world: World) -> None:
    world.act(KD, SIGN, "bupati")
    world.act(KETUA, SIGN, "ketua_dprd")
    world.act(GUB, SIGN, "gubernur")


# ------------------------------------------------------------------------------- holders


def test_the_holder_may_sign_paraf_or_decline_their_slot() -> None:
    world = World()
    assert allowed(world, KD, "bupati") == {
        (SIGN, Capacity.HOLDER),
        (PARAF, Capacity.HOLDER),
        (DECLINE, Capacity.HOLDER),
    }
    assert allowed(world, KETUA, "ketua_dprd") == allowed(world, KD, "bupati")


def test_someone_elses_slot_is_refused_as_not_your_slot() -> None:
    world = World()
    refused = refusal(world, KD, SIGN, "ketua_dprd")
    assert refused.code == "not_your_slot"
    assert refused.http_status == 403
    assert refused.message.startswith("Ini bukan bagian tanda tangan Anda")
    assert "Bupati Kotawaringin Timur" in refused.message
    assert refusal(world, KD, SIGN, "outsider").code == "not_your_slot"
    # A Wakil Bupati of another Kabupaten is nobody's deputy here.
    assert refusal(world, KD, PARAF, "wakil_bupati_kapuas").code == "not_your_slot"
    assert allowed(world, KD, "bupati_kapuas") == set()


@pytest.mark.parametrize("user", ["sekretariat", "admin"])
def test_the_secretariat_never_acts_on_slots(user: str) -> None:
    world = World()
    for role, kind in ((KD, SIGN), (KD, PARAF), (SAKSI1, WITNESS), (GUB, DECLINE)):
        refused = refusal(world, role, kind, user, reason="x")
        assert refused.code == "not_your_slot"
        assert "sekretariat" in refused.message
        assert refused.http_status == 403


# ------------------------------------------------------------------------------- deputies


def test_a_deputy_without_mandate_may_only_paraf() -> None:
    world = World()
    assert allowed(world, KD, "wakil_bupati") == {(PARAF, Capacity.STAND_IN)}
    refused = refusal(world, KD, SIGN, "wakil_bupati")
    assert refused.code == "no_mandate"
    assert refused.http_status == 403
    assert refused.message == (
        "Tanpa mandat (Plt./Plh./a.n.) yang tercatat, Anda hanya dapat memaraf."
    )
    assert refusal(world, KD, DECLINE, "wakil_bupati", reason="x").code == "no_mandate"
    act = world.act(KD, PARAF, "wakil_bupati")
    assert act.capacity is Capacity.STAND_IN


@pytest.mark.parametrize(
    ("role", "deputy", "principal"),
    [(KD, "wakil_bupati", "bupati"), (KETUA, "wakil_ketua_dprd", "ketua_dprd")],
)
def test_each_deputy_stands_in_for_their_own_principal(role, deputy, principal) -> None:  # type: ignore[no-untyped-def]
    world = World()
    assert allowed(world, role, deputy) == {(PARAF, Capacity.STAND_IN)}
    world.mandate(deputy, principal, MandateKind.PLH)
    assert (SIGN, Capacity.PLH) in allowed(world, role, deputy)


def test_the_wakil_gubernur_stands_in_for_the_gubernur_when_it_is_the_gubernurs_turn() -> None:
    world = World()
    assert refusal(world, GUB, PARAF, "wakil_gubernur").code == "not_your_turn"
    world.act(KD, SIGN, "bupati")
    world.act(KETUA, SIGN, "ketua_dprd")
    assert allowed(world, GUB, "wakil_gubernur") == {(PARAF, Capacity.STAND_IN)}
    assert refusal(world, GUB, SIGN, "wakil_gubernur").code == "no_mandate"


@pytest.mark.parametrize(
    ("kind", "capacity"),
    [
        (MandateKind.PLT, Capacity.PLT),
        (MandateKind.PLH, Capacity.PLH),
        (MandateKind.AN, Capacity.AN),
    ],
)
def test_a_valid_mandate_lets_the_deputy_sign_in_that_capacity(kind, capacity) -> None:  # type: ignore[no-untyped-def]
    world = World()
    mandate = world.mandate("wakil_bupati", "bupati", kind)
    assert allowed(world, KD, "wakil_bupati") == {
        (SIGN, capacity),
        (PARAF, capacity),
        (DECLINE, capacity),
    }
    act = world.act(KD, SIGN, "wakil_bupati")
    assert (act.capacity, act.mandate_id) == (capacity, mandate.id)


def test_a_mandate_needs_no_office_of_its_own() -> None:
    world = World()
    world.mandate("sekda", "bupati", MandateKind.PLH)
    assert world.act(KD, SIGN, "sekda").capacity is Capacity.PLH


@pytest.mark.parametrize(
    "mandate",
    [
        {"valid_from": TODAY + dt.timedelta(days=1)},
        {"valid_from": TODAY - dt.timedelta(days=30), "valid_until": TODAY - dt.timedelta(days=1)},
        {"revoked": True},
        {"event_id": 99},
    ],
    ids=["not-yet-valid", "expired", "revoked", "other-event"],
)
def test_a_mandate_that_does_not_apply_leaves_paraf_only(mandate) -> None:  # type: ignore[no-untyped-def]
    world = World()
    world.mandate("wakil_bupati", "bupati", **mandate)
    assert refusal(world, KD, SIGN, "wakil_bupati").code == "no_mandate"
    assert allowed(world, KD, "wakil_bupati") == {(PARAF, Capacity.STAND_IN)}


def test_a_mandate_scoped_to_this_event_or_for_another_office() -> None:
    world = World()
    world.mandate("wakil_bupati", "ketua_dprd", MandateKind.PLT)  # wrong principal
    assert refusal(world, KD, SIGN, "wakil_bupati").code == "no_mandate"
    world.mandate("wakil_bupati", "bupati", MandateKind.PLT, event_id=1, valid_until=TODAY)
    assert world.check(KD, SIGN, "wakil_bupati").capacity is Capacity.PLT


def test_asking_for_a_capacity_one_does_not_have() -> None:
    world = World()
    refused = refusal(world, KD, SIGN, "wakil_bupati", capacity=Capacity.PLT)
    assert refused.code == "no_mandate"
    assert "Plt." in refused.message
    world.mandate("wakil_bupati", "bupati", MandateKind.PLH)
    assert refusal(world, KD, SIGN, "wakil_bupati", capacity="plt").code == "no_mandate"
    assert world.check(KD, PARAF, "wakil_bupati", capacity="stand_in").capacity is (
        Capacity.STAND_IN
    )
    assert world.check(KD, PARAF, "wakil_bupati").capacity is Capacity.PLH


# ------------------------------------------------------------------------------- witnesses


def test_witnesses_wait_for_the_first_act_then_attest_it() -> None:
    world = World()
    refused = refusal(world, SAKSI1, WITNESS, "wakil_gubernur")
    assert refused.code == "not_your_turn"
    assert refused.message == (
        "Belum giliran Anda: menunggu Bupati Kotawaringin Timur atau "
        "Ketua DPRD Kabupaten Kotawaringin Timur."
    )
    paraf = world.act(KD, PARAF, "wakil_bupati")
    witness = world.act(SAKSI1, WITNESS, "wakil_gubernur", attests_act_id=paraf.id)
    assert witness.attests_act_id == paraf.id
    world.act(SAKSI2, WITNESS, "ketua_dprd_provinsi", attests_act_id=paraf.id)
    status = commitment_status(world.commitment)
    assert status.slots[SAKSI1].state is SlotState.SIGNED
    assert status.state is CommitmentState.PARAF_OUTSTANDING


def test_a_witness_attests_a_signature_or_paraf_of_this_document_only() -> None:
    world = World()
    world.act(KD, DECLINE, "bupati", reason="belum dibahas")
    world2 = World()
    paraf = world2.act(KD, PARAF, "wakil_bupati")
    refused = refusal(world2, SAKSI1, WITNESS, "wakil_gubernur", attests_act_id=paraf.id + 50)
    assert (refused.code, refused.http_status) == ("bad_attestation", 422)


def test_wrong_kind_of_act_for_the_slot() -> None:
    world = World()
    world.act(KD, SIGN, "bupati")
    for role, kind, user in (
        (SAKSI1, SIGN, "wakil_gubernur"),
        (SAKSI1, PARAF, "wakil_gubernur"),
        (SAKSI2, DECLINE, "ketua_dprd_provinsi"),
        (KD, WITNESS, "bupati"),
        (KD, ActKind.SEAL, "bupati"),
    ):
        refused = refusal(world, role, kind, user, reason="x")
        assert refused.code == "wrong_kind", (role, kind)
        assert refused.http_status == 422
    # The Wakil Bupati is not a witness.
    assert refusal(world, SAKSI1, WITNESS, "wakil_bupati").code == "not_your_slot"


def test_witnesses_after_parties_policy() -> None:
    world = World({"mode": "default", "witnesses": "after_parties"})
    world.act(KD, SIGN, "bupati")
    world.act(KETUA, SIGN, "ketua_dprd")
    refused = refusal(world, SAKSI2, WITNESS, "ketua_dprd_provinsi")
    assert refused.code == "not_your_turn"
    assert "Gubernur Kalimantan Tengah" in refused.message
    world.act(GUB, SIGN, "gubernur")
    world.act(SAKSI2, WITNESS, "ketua_dprd_provinsi")


def test_witnesses_anytime_policy() -> None:
    world = World({"witnesses": "anytime"})
    world.act(SAKSI1, WITNESS, "wakil_gubernur")


# ------------------------------------------------------------------------------- order


def test_the_gubernur_waits_for_both_regional_parties() -> None:
    world = World()
    refused = refusal(world, GUB, SIGN, "gubernur")
    assert refused.code == "not_your_turn"
    assert refused.http_status == 409
    assert refused.message == (
        "Belum giliran Anda: menunggu Bupati Kotawaringin Timur dan "
        "Ketua DPRD Kabupaten Kotawaringin Timur."
    )
    world.act(KETUA, SIGN, "ketua_dprd")
    assert refusal(world, GUB, SIGN, "gubernur").message == (
        "Belum giliran Anda: menunggu Bupati Kotawaringin Timur."
    )
    world.act(KD, SIGN, "bupati")
    world.act(GUB, SIGN, "gubernur")


def test_regional_parties_act_in_any_order() -> None:
    first = World()
    first.act(KD, SIGN, "bupati")
    first.act(KETUA, SIGN, "ketua_dprd")
    second = World()
    second.act(KETUA, SIGN, "ketua_dprd")
    second.act(KD, SIGN, "bupati")


def test_by_default_a_paraf_lets_the_gubernur_sign_while_the_bupati_signature_is_owed() -> None:
    world = World()
    world.act(KD, PARAF, "wakil_bupati")
    world.act(KETUA, SIGN, "ketua_dprd")
    world.act(GUB, SIGN, "gubernur")
    status = commitment_status(world.commitment)
    assert status.state is CommitmentState.PARAF_OUTSTANDING
    assert status.owed_signatures == [KD]
    assert status.whose_turn == [KD, SAKSI1, SAKSI2]
    # The paraf-only slot stays open for the principal's own signature.
    world.act(KD, SIGN, "bupati")
    assert commitment_status(world.commitment).state is CommitmentState.SIGNED_BY_ALL


def test_gubernur_after_signed_policy_waits_for_full_signatures() -> None:
    world = World({"mode": "default", "gubernur_after": "signed"})
    world.act(KD, PARAF, "wakil_bupati")
    world.act(KETUA, SIGN, "ketua_dprd")
    refused = refusal(world, GUB, SIGN, "gubernur")
    assert refused.message == "Belum giliran Anda: menunggu Bupati Kotawaringin Timur."
    world.act(KD, SIGN, "bupati")
    world.act(GUB, SIGN, "gubernur")


def test_sequential_policy() -> None:
    world = World({"mode": "sequential", "order": ["gubernur", "ketua_dprd", "kepala_daerah"]})
    refused = refusal(world, KD, SIGN, "bupati")
    assert refused.message == (
        "Belum giliran Anda: menunggu Gubernur Kalimantan Tengah dan "
        "Ketua DPRD Kabupaten Kotawaringin Timur."
    )
    assert commitment_status(world.commitment).whose_turn == [GUB]
    world.act(GUB, SIGN, "gubernur")
    assert refusal(world, KD, PARAF, "wakil_bupati").code == "not_your_turn"
    world.act(KETUA, SIGN, "ketua_dprd")
    world.act(KD, SIGN, "bupati")


def test_groups_policy() -> None:
    world = World({"mode": "groups", "groups": [["gubernur", "ketua_dprd"], ["kepala_daerah"]]})
    assert commitment_status(world.commitment).whose_turn == [GUB, KETUA]
    world.act(GUB, SIGN, "gubernur")
    assert refusal(world, KD, SIGN, "bupati").code == "not_your_turn"
    # The witnesses could attest from the Gubernur's signature on.
    assert commitment_status(world.commitment).whose_turn == [KETUA, SAKSI1, SAKSI2]


def test_a_decline_may_come_out_of_turn_and_needs_a_reason() -> None:
    world = World()
    refused = refusal(world, GUB, DECLINE, "gubernur", reason="  ")
    assert (refused.code, refused.message, refused.http_status) == (
        "reason_required",
        "Penolakan memerlukan alasan.",
        422,
    )
    world.act(GUB, DECLINE, "gubernur", reason="Poin 3 belum disepakati")
    status = commitment_status(world.commitment)
    assert status.state is CommitmentState.DECLINED
    assert status.slots[GUB].state is SlotState.DECLINED
    assert status.whose_turn == []
    refused = refusal(world, KD, SIGN, "bupati")
    assert refused.code == "declined"
    assert refused.message == (
        "Dokumen telah ditolak oleh Gubernur Kalimantan Tengah; sekretariat perlu membatalkan "
        "dan menerbitkan versi baru."
    )
    assert refusal(world, GUB, DECLINE, "gubernur", reason="lagi").code == "already_done"


# ------------------------------------------------------------------------------- done already


def test_nobody_signs_a_signed_slot_and_a_second_paraf_is_refused() -> None:
    world = World()
    world.act(KD, PARAF, "wakil_bupati")
    refused = refusal(world, KD, PARAF, "bupati")
    assert (refused.code, refused.message, refused.http_status) == (
        "already_done",
        "Sudah diparaf sebelumnya.",
        409,
    )
    world.act(KD, SIGN, "bupati")
    refused = refusal(world, KD, SIGN, "bupati")
    assert (refused.code, refused.message) == ("already_done", "Sudah ditandatangani sebelumnya.")
    world.act(KETUA, SIGN, "ketua_dprd")
    assert refusal(world, KETUA, PARAF, "wakil_ketua_dprd").code == "already_done"
    assert refusal(world, KETUA, DECLINE, "ketua_dprd", reason="x").code == "already_done"
    world.act(SAKSI1, WITNESS, "wakil_gubernur")
    assert refusal(world, SAKSI1, WITNESS, "wakil_gubernur").code == "already_done"


def test_a_complete_commitment_takes_no_more_acts_and_a_repeat_is_already_done() -> None:
    world = World()
    sign_all_parties(world)
    world.act(SAKSI1, WITNESS, "wakil_gubernur")
    world.act(SAKSI2, WITNESS, "ketua_dprd_provinsi")
    status = commitment_status(world.commitment)
    assert status.is_complete and status.state is CommitmentState.COMPLETE
    assert status.whose_turn == []
    # the repeated last submit
    assert refusal(world, SAKSI2, WITNESS, "ketua_dprd_provinsi").code == "already_done"
    refused = refusal(world, KD, PARAF, "wakil_bupati")
    assert (refused.code, refused.message) == (
        "complete",
        "Dokumen sudah lengkap ditandatangani dan disaksikan.",
    )
    assert refused.http_status == 409


def test_nothing_is_done_on_a_void_commitment() -> None:
    world = World()
    world.act(KD, SIGN, "bupati")
    world.void()
    for role, kind, user in (
        (KD, SIGN, "bupati"),
        (KETUA, SIGN, "ketua_dprd"),
        (SAKSI1, WITNESS, "wakil_gubernur"),
    ):
        refused = refusal(world, role, kind, user)
        assert refused.code == "void"
        assert refused.message.startswith("Dokumen telah dibatalkan")
        assert refused.http_status == 409
    assert commitment_status(world.commitment).state is CommitmentState.VOID
    assert commitment_status(world.commitment).whose_turn == []


def test_nothing_is_signed_before_the_document_is_generated() -> None:
    world = World(generated=False)
    refused = refusal(world, KD, SIGN, "bupati")
    assert refused.code == "not_generated"
    assert commitment_status(world.commitment).whose_turn == []


def test_unknown_slot_is_not_found() -> None:
    world = World()
    world.commitment.slots.pop()
    refused = refusal(world, SAKSI2, WITNESS, "ketua_dprd_provinsi")
    assert (refused.code, refused.http_status) == ("not_found", 404)


# ------------------------------------------------------------------------------- status


def test_status_follows_the_acts_from_draft_to_complete() -> None:
    world = World()

    def state() -> CommitmentState:
        return commitment_status(world.commitment).state

    assert state() is CommitmentState.DRAFT
    assert commitment_status(world.commitment).whose_turn == [KD, KETUA]
    world.act(KETUA, SIGN, "ketua_dprd")
    assert state() is CommitmentState.CIRCULATING
    world.act(KD, PARAF, "wakil_bupati")
    assert state() is CommitmentState.PARAF_OUTSTANDING
    slot = commitment_status(world.commitment).slots[KD]
    assert slot.state is SlotState.PARAF_ONLY
    assert slot.stand_in is not None and slot.stand_in.capacity is Capacity.STAND_IN
    assert slot.stand_in.line == "Mewakili (paraf saja)"
    world.act(GUB, SIGN, "gubernur")
    world.act(KD, SIGN, "bupati")
    slot = commitment_status(world.commitment).slots[KD]
    assert slot.state is SlotState.SIGNED and slot.stand_in is None
    assert slot.paraf_act is not None and slot.sign_act is not None
    assert state() is CommitmentState.SIGNED_BY_ALL
    world.act(SAKSI1, WITNESS, "wakil_gubernur")
    assert state() is CommitmentState.SIGNED_BY_ALL
    world.act(SAKSI2, WITNESS, "ketua_dprd_provinsi")
    assert state() is CommitmentState.COMPLETE
    assert commitment_status(world.commitment).witnesses_attested == 2


def test_every_state_has_an_indonesian_label() -> None:
    assert {s.label for s in CommitmentState} and all(s.label for s in CommitmentState)
    assert all(s.label for s in SlotState)


# ------------------------------------------------------------------------------- policies


@pytest.mark.parametrize(
    "policy",
    [
        {"mode": "nonsense"},
        {"mode": "sequential"},
        {"mode": "sequential", "order": ["gubernur", "ketua_dprd"]},
        {"mode": "sequential", "order": ["gubernur", "gubernur", "ketua_dprd", "kepala_daerah"]},
        {"mode": "groups", "groups": [["gubernur"], [], ["ketua_dprd", "kepala_daerah"]]},
        {"mode": "groups", "groups": [["gubernur", "saksi_wakil_gubernur"], ["ketua_dprd"]]},
        {"mode": "groups", "groups": [["presiden"]]},
        {"witnesses": "never"},
        {"gubernur_after": "paraf"},
    ],
)
def test_invalid_policies_are_refused_with_a_message(policy) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidPolicy) as caught:
        RoutingPolicy.from_dict(policy)
    assert str(caught.value)


def test_policies_round_trip() -> None:
    for data in (
        {"mode": "sequential", "order": ["ketua_dprd", "kepala_daerah", "gubernur"]},
        {"mode": "groups", "groups": [["gubernur"], ["ketua_dprd", "kepala_daerah"]]},
        {},
    ):
        policy = RoutingPolicy.from_dict(data)
        assert RoutingPolicy.from_dict(policy.to_dict()) == policy
    assert RoutingPolicy.from_dict(None) == rules.DEFAULT_POLICY


def test_every_refusal_code_has_an_http_status() -> None:
    assert rules.HTTP_STATUS["not_your_slot"] == rules.HTTP_STATUS["no_mandate"] == 403
    for code in ("already_done", "not_your_turn", "void", "complete"):
        assert rules.HTTP_STATUS[code] == 409
    assert rules.HTTP_STATUS["wrong_passphrase"] == 422
    assert rules.HTTP_STATUS["locked"] == 429
