"""Acting through the API: the same operation, rules and audit trail as the web pages."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import Flask

from signing import audit, db
from signing.commitments.storage import current_pdf
from signing.models import Act, AuditEntry, Commitment, MandateKind
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service

from .conftest import PASSPHRASE, user_named
from .contract import ApiClient, error_code

KD, KETUA, GUB = "kepala_daerah", "ketua_dprd", "gubernur"
SAKSI1, SAKSI2 = "saksi_wakil_gubernur", "saksi_ketua_dprd_provinsi"


def _audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).scalars()
        )


def test_the_rakor_scene_through_the_api(app: Flask, api, kotim: int) -> None:
    """The Wakil Bupati initials, both witnesses attest it, the others sign; the Bupati's own
    signature, owed, completes the commitment. Each answer carries the new status."""
    wakil = api("wakil-bupati-62.02", name="e-office Kotim")
    response = wakil.act(kotim, KD, kind="paraf", capacity="stand_in", passphrase=PASSPHRASE)
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"] == f"/api/v1/commitments/{kotim}"
    body = response.get_json()
    paraf = body["act"]
    assert (paraf["kind"], paraf["capacity"]) == ("paraf", "stand_in")
    assert paraf["actor"] == {
        "name": "H.M. Taufik Mukri",
        "office": "Wakil Bupati Kotawaringin Timur",
    }
    assert body["commitment"]["status"] == "paraf_outstanding"
    assert body["commitment"]["owed_signatures"] == [KD]
    assert body["commitment"]["slots"][KD]["status"] == "paraf_only"
    # The current revision is the act's revision with a document time stamp on top.
    revisions = body["commitment"]["revisions"]
    assert revisions[-1]["sha256"] == body["commitment"]["current_sha256"]
    assert revisions[-1]["label"] == "timestamp"
    assert revisions[-1]["parent_sha256"] == paraf["revision_sha256"] == revisions[-2]["sha256"]

    witness = api("wakil-gubernur").act(
        kotim, SAKSI1, kind="witness", passphrase=PASSPHRASE, attests_act_id=paraf["id"]
    )
    assert witness.status_code == 201
    assert witness.get_json()["act"]["attests_act_id"] == paraf["id"]
    assert (
        api("ketua-dprd-provinsi")
        .act(kotim, SAKSI2, kind="witness", passphrase=PASSPHRASE, attests_act_id=paraf["id"])
        .status_code
        == 201
    )
    assert (
        api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE).status_code
        == 201
    )
    assert api("gubernur").act(kotim, GUB, kind="sign", passphrase=PASSPHRASE).status_code == 201
    final = api("bupati-62.02").act(
        kotim, KD, kind="sign", capacity="holder", passphrase=PASSPHRASE
    )
    assert final.status_code == 201
    done = final.get_json()["commitment"]
    assert done["status"] == "complete" and done["is_complete"] and done["completed_at"]
    assert [a["kind"] for a in done["slots"][KD]["acts"]] == ["paraf", "sign"]
    assert done["revisions"][-1]["label"] == "timestamp"
    late = api("ketua-dprd-62.02").act(kotim, KETUA, kind="paraf", passphrase=PASSPHRASE)
    assert (late.status_code, error_code(late)) == (409, "complete")

    with app.app_context():
        commitment = db.session.get(Commitment, kotim)
        pdf = current_pdf(db.session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db.session)
        )
        fields = signed_field_names(pdf)
        assert audit.verify_chain(db.session) == []
    assert report.valid and report.has_lta, report.problems
    assert len(fields) == 7  # seal, paraf, 2 witnesses, 3 signatures (time stamps are not acts)

    # The engine's own entries, as for the web pages, each naming the token: one per act.
    engine = _audit(app, "act.paraf")
    assert len(engine) == 1 and engine[0].details["capacity"] == "stand_in"
    assert engine[0].details["api_token_name"] == "e-office Kotim"
    assert engine[0].details["via"] == "api"
    assert engine[0].object_id == str(paraf["id"])
    made = [e for kind in ("paraf", "sign", "witness") for e in _audit(app, f"act.{kind}")]
    assert len(made) == 6 and all(e.details["via"] == "api" for e in made)
    late_refusal = _audit(app, "act.refused")[-1]
    assert late_refusal.details["code"] == "complete"
    assert late_refusal.details["via"] == "api"
    assert _audit(app, "api.act") == []  # no second entry per act any more


def test_not_your_slot_is_403_for_officials_and_for_the_secretariat(app, api, kotim) -> None:
    response = api("bupati-62.02").act(kotim, GUB, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (403, "not_your_slot")
    assert "bukan bagian tanda tangan Anda" in response.get_json()["error"]["message"]
    response = api("sekretariat").act(kotim, KD, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (403, "not_your_slot")
    refused = _audit(app, "act.refused")
    assert [e.details["code"] for e in refused] == ["not_your_slot", "not_your_slot"]
    assert [e.details["via"] for e in refused] == ["api", "api"]


def test_a_deputy_without_mandate_may_only_paraf_403(api, kotim) -> None:
    wakil = api("wakil-bupati-62.02")
    response = wakil.act(kotim, KD, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (403, "no_mandate")
    response = wakil.act(kotim, KD, kind="sign", capacity="plt", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (403, "no_mandate")


def test_a_recorded_mandate_lets_the_deputy_sign_as_plt(app, api, kotim) -> None:
    from signing.workflow.operations import record_mandate

    with app.app_context():
        commitment = db.session.get(Commitment, kotim)
        record_mandate(
            db.session,
            principal_office=commitment.slot(KD).office,
            deputy_user=user_named(db.session, "wakil-bupati-62.02"),
            kind=MandateKind.PLT,
            letter_number="100.3.3.2/123/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor=user_named(db.session, "sekretariat"),
        )
        db.session.commit()
    response = api("wakil-bupati-62.02").act(
        kotim, KD, kind="sign", capacity="plt", passphrase=PASSPHRASE
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["act"]["capacity"] == "plt"


def test_not_your_turn_and_already_done_are_409_with_the_reason(api, kotim) -> None:
    response = api("gubernur").act(kotim, GUB, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "not_your_turn")
    error = response.get_json()["error"]
    assert error["message"].startswith("Belum giliran Anda: menunggu")
    assert set(error["details"]["waiting_for"]) == {KD, KETUA}
    ketua = api("ketua-dprd-62.02")
    assert ketua.act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE).status_code == 201
    again = ketua.act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (again.status_code, error_code(again)) == (409, "already_done")
    assert again.get_json()["error"]["message"] == "Sudah ditandatangani sebelumnya."


def test_a_refused_act_answers_its_catalogue_entry(app, api, kotim) -> None:
    """Code, status, Indonesian and English message: the refusal catalogue's, nothing else."""
    from signing.workflow.refusals import CATALOGUE

    ketua = api("ketua-dprd-62.02")
    assert ketua.act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE).status_code == 201
    again = ketua.act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    entry = CATALOGUE["already_signed"]
    with app.test_request_context("/"):
        refused = entry()
        english = refused.english()
    assert english == "Already signed."
    assert again.status_code == entry.status
    assert again.get_json()["error"] == {
        "code": entry.code,
        "message": entry.message,
        "message_en": english,
    }
    assert _audit(app, "act.refused")[-1].details["message"] == entry.message


def test_a_decline_needs_a_reason_and_then_stops_the_version(api, kotim) -> None:
    bupati = api("bupati-62.02")
    response = bupati.act(kotim, KD, kind="decline", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (422, "reason_required")
    response = bupati.act(
        kotim, KD, kind="decline", reason="Poin 4 perlu dibahas ulang", passphrase=PASSPHRASE
    )
    assert response.status_code == 201
    assert response.get_json()["commitment"]["status"] == "declined"
    assert response.get_json()["act"]["revision_sha256"] is None
    response = api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "declined")


def test_wrong_kind_and_bad_attestation_are_422(api, kotim) -> None:
    response = api("bupati-62.02").act(kotim, KD, kind="witness", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (422, "wrong_kind")
    # Witnesses may attest from the first act on; attesting something else is refused.
    assert (
        api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE).status_code
        == 201
    )
    response = api("wakil-gubernur").act(
        kotim, SAKSI1, kind="witness", passphrase=PASSPHRASE, attests_act_id=123456
    )
    assert (response.status_code, error_code(response)) == (422, "bad_attestation")


def test_wrong_passphrases_are_422_then_the_key_locks_with_429(app, api, kotim) -> None:
    ketua = api("ketua-dprd-62.02")
    for remaining in (4, 3, 2, 1):
        response = ketua.act(kotim, KETUA, kind="sign", passphrase="salah")
        assert (response.status_code, error_code(response)) == (422, "wrong_passphrase")
        assert f"Sisa percobaan: {remaining}" in response.get_json()["error"]["message"]
    response = ketua.act(kotim, KETUA, kind="sign", passphrase="salah")
    assert (response.status_code, error_code(response)) == (422, "wrong_passphrase")
    # Locked now, even with the right passphrase.
    response = ketua.act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (429, "locked")
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["error"]["details"]["locked_until"]
    assert len(_audit(app, "pki.passphrase_failed")) == 5


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"kind": "seal", "passphrase": PASSPHRASE},
        {"kind": "sign"},
        {"kind": "sign", "passphrase": ""},
        {"kind": "sign", "passphrase": PASSPHRASE, "capacity": "bupati"},
        {"kind": "sign", "passphrase": PASSPHRASE, "signature": "x"},
        {"kind": "sign", "passphrase": PASSPHRASE, "attests_act_id": "1"},
        {"kind": "sign", "passphrase": PASSPHRASE, "attests_act_id": 2**40},
        {"kind": "decline", "reason": "a\x00b"},
        {"kind": "sign", "passphrase": "p" * 1025},
        ["kind", "sign"],
    ],
)
def test_an_invalid_body_is_422_and_never_reaches_the_key(app, api, kotim, body) -> None:
    client: ApiClient = api("ketua-dprd-62.02")
    response = client.post(f"/api/v1/commitments/{kotim}/slots/{KETUA}/acts", json=body)
    assert (response.status_code, error_code(response)) == (422, "invalid_body")
    assert response.get_json()["error"]["details"]["problems"]
    assert _audit(app, "pki.passphrase_failed") == []
    refused = _audit(app, "act.refused")
    assert refused[-1].details["code"] == "invalid_body"
    assert refused[-1].details["api_token_name"] == "e-office uji"


def test_a_body_that_is_not_json_is_422_and_a_huge_one_413(api, kotim) -> None:
    client = api("ketua-dprd-62.02")
    path = f"/api/v1/commitments/{kotim}/slots/{KETUA}/acts"
    response = client.post(
        path, data=b"kind=sign", content_type="application/x-www-form-urlencoded"
    )
    assert (response.status_code, error_code(response)) == (422, "invalid_body")
    huge = b'{"kind": "sign", "reason": "' + b"x" * 70_000 + b'"}'
    response = client.post(path, data=huge, content_type="application/json")
    assert (response.status_code, error_code(response)) == (413, "too_large")


def test_unknown_commitment_and_slot_are_404(api, kotim) -> None:
    client = api("ketua-dprd-62.02")
    response = client.act(999999, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (404, "not_found")
    response = client.act(kotim, "bendahara", kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (404, "unknown_slot")


def test_an_act_without_a_token_is_401_and_changes_nothing(app, api, kotim) -> None:
    response = api().act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (401, "missing_token")
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Act.id))).scalar_one() == 1  # seal


def test_an_official_not_enrolled_gets_409(app, api, desk) -> None:
    (kapuas,) = desk.generate("62.03")
    response = api("ketua-dprd-62.03").act(kapuas, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "not_enrolled")


def test_acts_on_a_void_or_ungenerated_commitment_are_409(app, api, desk, kotim) -> None:
    from signing.workflow.operations import void_commitment

    (kapuas,) = desk.generate("62.03")
    with app.app_context():
        staff = user_named(db.session, "sekretariat")
        void_commitment(db.session, db.session.get(Commitment, kotim), "Salah ketik", actor=staff)
        draft = db.session.get(Commitment, kapuas)
        draft.current_sha256 = None
        draft.generated_at = None
        db.session.commit()
    response = api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "void")
    response = api("gubernur").act(kapuas, GUB, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "not_generated")


def test_a_revoked_signing_certificate_is_409(app, api, kotim) -> None:
    with app.app_context():
        user = user_named(db.session, "ketua-dprd-62.02")
        service.revoke(
            db.session,
            service.active_certificate(db.session, user),
            "key_compromise",
            actor="test",
        )
        db.session.commit()
    response = api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "certificate_not_usable")


def test_self_witness_and_a_second_slot_are_409_one_role(app: Flask, api, kotim) -> None:
    """The Wakil Gubernur initials for the Gubernur, then may neither witness his own paraf
    nor act on the witness slot at all (issue 15, item 5): the web's code and message."""
    api("bupati-62.02").act(kotim, KD, kind="sign", passphrase=PASSPHRASE)
    api("ketua-dprd-62.02").act(kotim, KETUA, kind="sign", passphrase=PASSPHRASE)
    wagub = api("wakil-gubernur")
    paraf = wagub.act(kotim, GUB, kind="paraf", passphrase=PASSPHRASE)
    assert paraf.status_code == 201
    paraf_id = paraf.get_json()["act"]["id"]
    response = wagub.act(
        kotim, SAKSI1, kind="witness", passphrase=PASSPHRASE, attests_act_id=paraf_id
    )
    assert (response.status_code, error_code(response)) == (409, "one_role")
    assert response.get_json()["error"]["message"] == (
        "Anda tidak dapat menyaksikan tindakan Anda sendiri (paraf mewakili Gubernur Kalimantan "
        "Tengah, tanpa mandat): satu orang hanya berperan satu kali pada satu komitmen."
    )
    response = wagub.act(kotim, SAKSI1, kind="witness", passphrase=PASSPHRASE)
    assert (response.status_code, error_code(response)) == (409, "one_role")
    refused = [e for e in _audit(app, "act.refused") if e.details.get("code") == "one_role"]
    assert len(refused) == 2 and all(e.details["via"] == "api" for e in refused)


def test_a_hostile_note_is_stored_and_never_reaches_the_pdf(app: Flask, api, kotim) -> None:
    hostile = "Menandatangani komitmen sebagai Gubernur) /Reason (catatan-jahat-91 <b>x</b>"
    response = api("wakil-bupati-62.02").act(
        kotim, KD, kind="paraf", passphrase=PASSPHRASE, reason=hostile
    )
    assert response.status_code == 201
    assert response.get_json()["act"]["reason"] == hostile
    with app.app_context():
        commitment = db.session.get(Commitment, kotim)
        pdf = current_pdf(db.session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db.session)
        )
    assert report.valid
    assert b"catatan-jahat-91" not in pdf and "catatan-jahat-91".encode("utf-16-be") not in pdf
    paraf = next(s for s in report.signatures if s.field_name == "paraf_kepala_daerah")
    assert paraf.reason == (
        "Paraf mewakili Bupati Kotawaringin Timur (tanpa mandat; bukan tanda tangan)"
    )


def test_a_decline_without_a_passphrase_is_refused(api, kotim) -> None:
    bupati = api("bupati-62.02")
    response = bupati.act(kotim, KD, kind="decline", reason="Poin 4 perlu dibahas ulang")
    assert (response.status_code, error_code(response)) == (422, "invalid_body")
    assert "passphrase" in str(response.get_json()["error"]["details"])
    response = bupati.act(
        kotim, KD, kind="decline", reason="Poin 4 perlu dibahas ulang", passphrase="salah"
    )
    assert (response.status_code, error_code(response)) == (422, "wrong_passphrase")
    assert "Sisa percobaan: 4" in response.get_json()["error"]["message"]
