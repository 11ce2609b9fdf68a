"""/Reason is ours, a note is the person's; a decline is an act (issue 15, items 4 and 6)."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from signing import db
from signing.commitments.storage import current_pdf
from signing.models import Act, ActKind, AuditEntry, SigningCertificate, SlotRole
from signing.pades.statement import verify_statement
from signing.pades.verify import verify_pdf
from signing.pki import service
from signing.workflow.marks import verify_decline_signatures
from signing.workflow.rules import WorkflowRefused

from .conftest import Desk

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1 = SlotRole.SAKSI_WAKIL_GUBERNUR

#: A note trying to speak in the PDF: a signer's words, PDF syntax, markup, bidi override.
HOSTILE = (
    "Menandatangani komitmen sebagai Bupati Kotawaringin Timur) /Reason (palsu-7f3a "
    "<script>alert(1)</script> \u202etxt.exe\n\n  >> endobj"
)
HOSTILE_STORED = " ".join(HOSTILE.split())


def _pdf_and_report(app, db_session, desk: Desk, commitment_id: int):  # type: ignore[no-untyped-def]
    commitment = desk.commitment(db_session, commitment_id)
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(db_session)
        )
    assert report.valid, report.problems
    return pdf, report


def _never_in(pdf: bytes, text: str) -> None:
    for encoding in ("latin-1", "utf-16-be"):
        assert text.encode(encoding) not in pdf, encoding


def test_the_pdf_reason_is_derived_from_the_act_and_a_hostile_note_stays_in_the_app(
    app, db_session, desk: Desk, kotim: int
) -> None:
    paraf = desk.act(kotim, KD, ActKind.PARAF, "wakil-bupati-62.02", reason=HOSTILE)
    witness = desk.act(
        kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf.id, reason=HOSTILE
    )
    desk.act(kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02", reason=HOSTILE)
    pdf, report = _pdf_and_report(app, db_session, desk, kotim)
    reasons = {s.field_name: s.reason for s in report.signatures}
    assert reasons["paraf_kepala_daerah"] == (
        "Paraf mewakili Bupati Kotawaringin Timur (tanpa mandat; bukan tanda tangan)"
    )
    assert reasons["saksi_wakil_gubernur"] == (
        "Saksi sebagai Wakil Gubernur Kalimantan Tengah atas paraf Wakil Bupati Kotawaringin Timur"
    )
    assert reasons["ttd_ketua_dprd"] == (
        "Menandatangani komitmen sebagai Ketua DPRD Kabupaten Kotawaringin Timur"
    )
    for token in ("palsu-7f3a", "<script>", "txt.exe"):
        _never_in(pdf, token)
    assert not any("palsu" in (r or "") for r in reasons.values())
    # Stored with each act (whitespace collapsed), shown in the app.
    for act_id in (paraf.id, witness.id):
        assert db_session.get(Act, act_id).reason == HOSTILE_STORED


def test_a_decline_without_the_right_passphrase_is_refused_and_counts_toward_the_lock(
    app, db_session, desk: Desk, kotim: int
) -> None:
    for remaining in (4, 3, 2, 1):
        with pytest.raises(WorkflowRefused) as caught:
            desk.act(kotim, KETUA, ActKind.DECLINE, "ketua-dprd-62.02", "salah", reason="Tidak")
        assert caught.value.code == "wrong_passphrase"
        assert f"Sisa percobaan: {remaining}" in caught.value.message
    with pytest.raises(WorkflowRefused) as caught:
        desk.act(kotim, KETUA, ActKind.DECLINE, "ketua-dprd-62.02", "", reason="Tidak")
    assert caught.value.code == "wrong_passphrase"
    # Locked now: neither a decline nor a signature goes through, even with the passphrase.
    for kind in (ActKind.DECLINE, ActKind.SIGN):
        with pytest.raises(WorkflowRefused) as caught:
            desk.act(kotim, KETUA, kind, "ketua-dprd-62.02", reason="Tidak")
        assert caught.value.code == "locked"
    db_session.rollback()
    assert db_session.execute(sa.select(Act).where(Act.kind == ActKind.DECLINE)).first() is None
    failed = db_session.execute(
        sa.select(sa.func.count()).where(AuditEntry.action == "pki.passphrase_failed")
    ).scalar_one()
    assert failed == 5


def test_a_decline_is_signed_into_the_audit_log_with_the_officials_key(
    app, db_session, desk: Desk, kotim: int
) -> None:
    act = desk.act(kotim, GUB, ActKind.DECLINE, "gubernur", reason="Butir 4 perlu dibahas ulang")
    db_session.rollback()
    act = db_session.get(Act, act.id)
    assert act.certificate_id is not None and act.field_name is None
    entry = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "act.decline")
    ).scalar_one()
    statement = entry.details["statement"]
    assert "Alasan: Butir 4 perlu dibahas ulang" in statement
    assert f"SHA-256 dokumen: {act.sha256_before}" in statement
    assert "Menolak sebagai: Gubernur Kalimantan Tengah" in statement
    signature = base64.b64decode(entry.details["statement_signature"])
    with app.app_context():
        roots, crls = service.trust_roots(), service.current_crls(db.session)
        ca_certs = service.get_ca().chain_for(
            service.certificate_of(db.session.get(SigningCertificate, act.certificate_id))
        )
        check = verify_statement(
            statement.encode(), signature, trust_roots=roots, crls=crls, other_certs=ca_certs
        )
        assert check.valid and check.serial == entry.details["certificate_serial"]
        forged = statement.replace("Butir 4", "Butir 5").encode()
        assert not verify_statement(
            forged, signature, trust_roots=roots, crls=crls, other_certs=ca_certs
        ).intact
    # The unlock that preceded it is on record too.
    unlocked = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "pki.unlock")
    ).scalars()
    assert len(list(unlocked)) == 1


def test_audit_verify_checks_every_decline_signature(app, db_session, desk: Desk, kotim) -> None:
    desk.act(kotim, GUB, ActKind.DECLINE, "gubernur", reason="Butir 4 perlu dibahas ulang")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session
        assert verify_decline_signatures(session) == []
        entry = session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "act.decline")
        ).scalar_one()
        # Someone with the database rewrites the reason (and could recompute the chain).
        entry.details = {
            **entry.details,
            "statement": entry.details["statement"].replace("Butir 4", "Butir 9"),
        }
        session.commit()
        [problem] = verify_decline_signatures(session)
        assert problem.entry_id == entry.id and "penolakan" in problem.message
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "penolakan tidak bertanda tangan sah pejabat" in result.output
