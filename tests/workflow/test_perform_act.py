"""perform_act on real PDFs: the act lands in the PDF, the database and the audit log, once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from signing import audit
from signing.commitments.storage import current_pdf
from signing.models import Act, ActKind, AuditEntry, Capacity, Revision, SlotRole
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service
from signing.workflow.refusals import refuse
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import CommitmentState, commitment_status

from .conftest import PARTIES_62_02, Desk

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI


def verify(app, session, commitment):  # type: ignore[no-untyped-def]
    with app.app_context():
        pdf = current_pdf(session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(session)
        )
    return pdf, report


def test_the_rakor_scene_on_one_commitment(app, db_session, desk: Desk, kotim: int) -> None:
    started = time.perf_counter()
    paraf = desk.act(kotim, KD, ActKind.PARAF, "wakil-bupati-62.02")
    assert paraf.capacity is Capacity.STAND_IN
    desk.act(kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf.id)
    desk.act(kotim, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi", attests_act_id=paraf.id)
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    desk.act(kotim, GUB, ActKind.SIGN, "gubernur")
    elapsed = time.perf_counter() - started
    print(f"\n5 acts through perform_act: {elapsed * 1000 / 5:.0f} ms per act")

    commitment = desk.commitment(db_session, kotim)
    status = commitment_status(commitment)
    assert status.state is CommitmentState.PARAF_OUTSTANDING
    assert status.owed_signatures == [KD]
    assert commitment.completed_at is None
    pdf, report = verify(app, db_session, commitment)
    assert report.valid, report.problems
    slot = commitment.slot(KD)
    assert signed_field_names(pdf) == {
        "Segel",
        slot.paraf_field_name,
        commitment.slot(SAKSI1).field_name,
        commitment.slot(SAKSI2).field_name,
        commitment.slot(KETUA).field_name,
        commitment.slot(GUB).field_name,
    }
    # Every act is followed by a document time stamp: an incomplete copy is B-LTA too.
    assert report.has_lta
    witness = commitment.slot(SAKSI1).acts[0]
    assert witness.attests_act_id == paraf.id

    # The Bupati's own signature completes it: B-LTA time stamp, completed_at set once.
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    commitment = desk.commitment(db_session, kotim)
    assert commitment_status(commitment).state is CommitmentState.COMPLETE
    assert commitment.completed_at is not None
    pdf, report = verify(app, db_session, commitment)
    assert report.valid, report.problems
    assert report.has_lta
    assert slot.field_name in signed_field_names(pdf)
    labels = (
        db_session.execute(
            sa.select(Revision.label)
            .where(Revision.commitment_id == kotim)
            .order_by(Revision.sequence)
        )
        .scalars()
        .all()
    )
    assert labels == [
        "generated",
        "sealed",
        "timestamp",
        "paraf",
        "timestamp",
        "witness",
        "timestamp",
        "witness",
        "timestamp",
        "sign",
        "timestamp",
        "sign",
        "timestamp",
        "sign",
        "timestamp",
    ]
    completed = (
        db_session.execute(sa.select(AuditEntry).where(AuditEntry.action == "commitment.complete"))
        .scalars()
        .all()
    )
    assert len(completed) == 1
    assert audit.verify_chain(db_session) == []


def test_each_act_is_audited_with_actor_office_hashes_ip_and_agent(db_session, desk, kotim) -> None:  # type: ignore[no-untyped-def]
    act = desk.act(
        kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02", ip="10.1.2.3", user_agent="UjiBrowser/1.0"
    )
    entry = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.sign")
    ).scalar_one()
    assert entry.object_id == str(act.id)
    assert entry.actor_name == "Dra. Rinie"
    assert entry.actor_office == "Ketua DPRD Kabupaten Kotawaringin Timur"
    assert (entry.ip, entry.user_agent) == ("10.1.2.3", "UjiBrowser/1.0")
    assert entry.sha256_before == act.sha256_before != act.sha256_after == entry.sha256_after
    assert entry.details["capacity"] == "holder"
    stored = db_session.get(Act, act.id)
    # The copy handed out is the act's revision with its document time stamp on top.
    current = db_session.execute(
        sa.select(Revision).where(
            Revision.sha256 == desk.commitment(db_session, kotim).current_sha256
        )
    ).scalar_one()
    assert (current.label, current.parent_sha256) == ("timestamp", stored.sha256_after)


def test_a_refused_act_leaves_only_its_audit_entry(app, db_session, desk, kotim) -> None:  # type: ignore[no-untyped-def]
    commitment = desk.commitment(db_session, kotim)
    before = (commitment.current_sha256, commitment.lock_version)
    acts_before = db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one()
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, GUB, ActKind.SIGN, "gubernur", ip="10.9.9.9")
    assert caught.value.code == "not_your_turn"
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KD, ActKind.SIGN, "wakil-bupati-62.02")
    assert caught.value.code == "no_mandate"
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02", passphrase="salah-sekali")
    assert caught.value.code == "wrong_passphrase"
    assert caught.value.http_status == 422
    assert "Frasa sandi penandatanganan salah" in caught.value.message
    commitment = desk.commitment(db_session, kotim)
    assert (commitment.current_sha256, commitment.lock_version) == before
    assert db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one() == acts_before
    refused = (
        db_session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "act.refused").order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert [e.details["code"] for e in refused] == [
        "not_your_turn",
        "no_mandate",
        "wrong_passphrase",
    ]
    assert refused[0].ip == "10.9.9.9"
    assert refused[0].commitment_id == kotim
    assert refused[1].actor_name == "H.M. Taufik Mukri"
    # The key store counted the wrong passphrase (its throttle needs the entry committed).
    failed = db_session.execute(
        sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "pki.passphrase_failed")
    ).scalar_one()
    assert failed == 1
    assert audit.verify_chain(db_session) == []


def test_too_many_wrong_passphrases_lock_with_429(desk, kotim) -> None:  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(6):
        with pytest.raises(WorkflowRefused) as caught:
            desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02", passphrase="keliru-123")
        codes.append((caught.value.code, caught.value.http_status))
    assert codes[:5] == [("wrong_passphrase", 422)] * 5
    assert codes[5] == ("locked", 429)
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    assert caught.value.code == "locked"


def test_an_official_without_a_key_is_told_to_enrol(desk, kotim) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.PARAF, "ketua-dprd-62.02", passphrase=None)
    assert caught.value.code == "wrong_passphrase"
    desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    # walikota-62.71 is not enrolled and not a party here: the slot check comes first.
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.SIGN, "walikota-62.71")
    assert caught.value.code == "not_your_slot"


def test_a_repeated_submit_is_already_done_never_a_second_signature(
    db_session, desk, kotim
) -> None:  # type: ignore[no-untyped-def]
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    sha = desk.commitment(db_session, kotim).current_sha256
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    assert (caught.value.code, caught.value.http_status) == ("already_done", 409)
    assert desk.commitment(db_session, kotim).current_sha256 == sha


def test_a_signature_the_database_refuses_leaves_only_the_unlock_and_the_refusal(
    db_session, desk, kotim
) -> None:  # type: ignore[no-untyped-def]
    # The unique (commitment, field) constraint stands behind the rules. Here a row for the
    # same field appears between the rules' check and the act's INSERT (written by a flush
    # hook in the act's own transaction), so the INSERT fails: the act is refused, nothing of
    # it lands, and the key store's "unlocked" entry and the refusal are both kept.
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    commitment = desk.commitment(db_session, kotim)
    before = (commitment.current_sha256, commitment.lock_version)
    revisions = db_session.execute(sa.select(sa.func.count(Revision.id))).scalar_one()
    db_session.commit()

    acts = db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one()
    fired = []

    def collide(session, _context, _instances):  # type: ignore[no-untyped-def]
        pending = [o for o in session.new if isinstance(o, Act)]
        if pending and not fired:
            fired.append(True)
            session.connection().execute(
                sa.insert(Act.__table__).values(
                    commitment_id=kotim,
                    kind="sign",
                    capacity="holder",
                    actor_name="Baris yang menyela",
                    field_name=pending[0].field_name,
                    created_at=pending[0].created_at,
                )
            )

    event.listen(Session, "before_flush", collide)
    try:
        with pytest.raises(WorkflowRefused) as caught:
            desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    finally:
        event.remove(Session, "before_flush", collide)
    assert fired and (caught.value.code, caught.value.http_status) == ("already_done", 409)
    db_session.expire_all()
    commitment = desk.commitment(db_session, kotim)
    assert (commitment.current_sha256, commitment.lock_version) == before
    assert db_session.execute(sa.select(sa.func.count(Revision.id))).scalar_one() == revisions
    assert db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one() == acts
    last = db_session.execute(
        sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)
    ).scalars()
    assert [(e.action, e.details.get("code")) for e in reversed(list(last))] == [
        ("pki.unlock", None),
        ("act.refused", "already_done"),
    ]
    assert audit.verify_chain(db_session) == []
    # And the slot is still open: the official signs for real afterwards.
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")


def test_a_corrupted_stored_pdf_refuses_the_act_with_a_message(db_session, desk, kotim) -> None:  # type: ignore[no-untyped-def]
    from signing.models import Blob

    sha = desk.commitment(db_session, kotim).current_sha256
    acts = db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one()
    db_session.execute(
        sa.update(Blob).where(Blob.sha256 == sha).values(data=b"%PDF-1.7 bukan isinya")
    )
    db_session.commit()
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    assert caught.value.code == "signing_failed"
    assert "rusak" in caught.value.message
    assert db_session.execute(sa.select(sa.func.count(Act.id))).scalar_one() == acts


def test_a_decline_needs_a_reason_changes_no_pdf_and_stops_the_version(
    db_session, desk, kotim
) -> None:  # type: ignore[no-untyped-def]
    sha = desk.commitment(db_session, kotim).current_sha256
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, GUB, ActKind.DECLINE, "gubernur")
    assert caught.value.code == "reason_required"
    act = desk.act(kotim, GUB, ActKind.DECLINE, "gubernur", reason="Poin 4 perlu dibahas ulang")
    assert act.field_name is None and act.reason == "Poin 4 perlu dibahas ulang"
    commitment = desk.commitment(db_session, kotim)
    assert commitment.current_sha256 == sha == act.sha256_after
    assert commitment.lock_version > 1
    assert commitment_status(commitment).state is CommitmentState.DECLINED
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    assert caught.value.code == "declined"


def test_a_mandate_lets_the_wakil_bupati_sign_as_plt(app, db_session, desk, kotim) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from signing import db
    from signing.models import MandateKind
    from signing.workflow.operations import record_mandate

    from .conftest import user_named

    with app.app_context():
        session = db.session
        commitment = session.get(type(desk.commitment(db_session, kotim)), kotim)
        mandate = record_mandate(
            session,
            principal_office=commitment.slot(KD).office,
            deputy_user=user_named(session, "wakil-bupati-62.02"),
            kind=MandateKind.PLT,
            letter_number="100.3.3.2/123/2019",
            letter_date=dt.date(2019, 10, 1),
            valid_from=dt.date(2019, 10, 1),
            valid_until=None,
            actor=user_named(session, "sekretariat"),
        )
        session.commit()
        mandate_id = mandate.id
    act = desk.act(kotim, KD, ActKind.SIGN, "wakil-bupati-62.02")
    assert (act.capacity, act.mandate_id) == (Capacity.PLT, mandate_id)
    assert act.actor_office_title == "Wakil Bupati Kotawaringin Timur"
    pdf, report = verify(app, db_session, desk.commitment(db_session, kotim))
    assert report.valid
    signed = {s.field_name: s for s in report.signatures}
    slot = desk.commitment(db_session, kotim).slot(KD)
    assert "Plt. Bupati Kotawaringin Timur" in (signed[slot.field_name].reason or "")


def test_nothing_happens_on_a_void_commitment_and_the_new_version_takes_acts(
    app, db_session, desk, kotim
) -> None:  # type: ignore[no-untyped-def]
    from signing import db
    from signing.models import Commitment
    from signing.workflow.operations import void_commitment

    from .conftest import user_named

    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    with app.app_context():
        session = db.session
        session.commit()
        replacement = void_commitment(
            session,
            session.get(Commitment, kotim),
            "Salah nama pejabat",
            actor=user_named(session, "sekretariat"),
        )
        session.commit()
        new_id = replacement.id
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KD, ActKind.SIGN, "bupati-62.02")
    assert caught.value.code == "void"
    assert "Salah nama pejabat" in caught.value.message
    desk.act(new_id, KD, ActKind.SIGN, "bupati-62.02")
    assert (
        commitment_status(desk.commitment(db_session, new_id)).state is CommitmentState.CIRCULATING
    )
    assert PARTIES_62_02[KD] == "bupati-62.02"


def test_a_view_can_record_a_refusal_of_its_own(app, db_session, kalteng) -> None:  # type: ignore[no-untyped-def]
    from signing import db
    from signing.workflow.operations import record_refusal

    from .conftest import user_named

    with app.app_context():
        session = db.session
        refused = refuse("commitment_not_found")
        record_refusal(
            session,
            refused,
            user=user_named(session, "gubernur"),
            commitment_id=999,
            ip="10.0.0.1",
            form="sign",
        )
        session.commit()
    entry = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.refused")
    ).scalar_one()
    assert (entry.object_id, entry.commitment_id, entry.ip) == ("999", None, "10.0.0.1")
    assert entry.details == {
        "code": "not_found",
        "message": "Dokumen komitmen tidak ditemukan.",
        "form": "sign",
    }
    assert refused.http_status == 404
