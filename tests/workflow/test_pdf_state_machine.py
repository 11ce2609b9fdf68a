"""A smaller state machine that signs real PDFs through perform_act.

After every step the signed fields in the stored PDF equal the fields of the acts in the
database, and the derived status equals the independent model; at the end of each run the PDF
validates with pyHanko (and carries a document time stamp exactly when complete).
"""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from signing import audit, db
from signing.commitments.storage import current_pdf
from signing.db import utcnow
from signing.models import Act, ActKind, Commitment, Event, Region, SlotRole
from signing.pades.verify import signed_field_names, verify_pdf
from signing.pki import service
from signing.workflow.operations import void_commitment
from signing.workflow.rules import WorkflowRefused
from signing.workflow.status import commitment_status

from .conftest import PASSPHRASE, Desk, user_named
from .test_rules_state_machine import DEPUTY, HOLDER, WITNESSES, Model

ACCOUNTS = {
    "bupati": "bupati-62.02",
    "wakil_bupati": "wakil-bupati-62.02",
    "ketua_dprd": "ketua-dprd-62.02",
    "gubernur": "gubernur",
    "wakil_gubernur": "wakil-gubernur",
    "ketua_dprd_provinsi": "ketua-dprd-provinsi",
    "sekretariat": "sekretariat",
}


def test_real_pdfs_follow_the_acts(app, db_session, desk: Desk, kalteng) -> None:  # type: ignore[no-untyped-def]
    from signing.commitments.generation import generate_commitment

    def fresh_commitment() -> int:
        with app.app_context():
            session = db.session
            event = session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
            region = session.execute(
                sa.select(Region).where(Region.kemendagri_code == "62.02")
            ).scalar_one()
            live = (
                session.execute(
                    sa.select(Commitment).where(
                        Commitment.region_id == region.id, Commitment.voided_at.is_(None)
                    )
                )
                .scalars()
                .all()
            )
            for old in live:
                if old.completed_at is not None:
                    # A complete commitment cannot be voided (by design); the machine only needs
                    # the region free for its next document, so retire it directly.
                    old.voided_at = utcnow()
                    old.void_reason = "uji: dokumen berikutnya"
                else:
                    void_commitment(
                        session,
                        old,
                        "uji: dokumen berikutnya",
                        actor=user_named(session, "sekretariat"),
                        reissue=False,
                    )
                session.commit()
            commitment = generate_commitment(session, event, region, actor="test")
            session.commit()
            return commitment.id

    class PdfMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.commitment_id = fresh_commitment()
            self.model = Model({})

        @rule(
            role=st.sampled_from(list(SlotRole)),
            who=st.sampled_from(["holder", "deputy", "holder", "sekretariat"]),
            kind=st.sampled_from([ActKind.SIGN, ActKind.PARAF, ActKind.SIGN, ActKind.DECLINE]),
        )
        def act(self, role: SlotRole, who: str, kind: ActKind) -> None:
            # The demo has no Wakil Ketua DPRD account: that slot's "deputy" is its holder.
            deputy = DEPUTY.get(role) if DEPUTY.get(role) in ACCOUNTS else HOLDER[role]
            user = {"holder": HOLDER[role], "deputy": deputy}.get(who, who)
            if role in WITNESSES:
                kind = ActKind.WITNESS
            expected = self.model.allowed(user, role, kind, None)
            try:
                desk.act(
                    self.commitment_id,
                    role,
                    kind,
                    ACCOUNTS[user],
                    reason="tidak sepakat" if kind is ActKind.DECLINE else None,
                )
            except WorkflowRefused as refused:
                assert not expected, refused
                return
            assert expected, (user, role, kind)
            self.model.record(role, kind)

        @rule()
        def wrong_passphrase(self) -> None:
            with_turn = [
                r
                for r in SlotRole
                if self.model.allowed(
                    HOLDER[r], r, (ActKind.WITNESS if r in WITNESSES else ActKind.SIGN), None
                )
            ]
            if not with_turn:
                return
            role = with_turn[0]
            kind = ActKind.WITNESS if role in WITNESSES else ActKind.SIGN
            try:
                desk.act(
                    self.commitment_id,
                    role,
                    kind,
                    ACCOUNTS[HOLDER[role]],
                    passphrase=PASSPHRASE + "x",
                )
            except WorkflowRefused as refused:
                assert refused.code == "wrong_passphrase"
            else:
                raise AssertionError("a wrong passphrase signed")

        @invariant()
        def pdf_equals_acts_and_status_equals_model(self) -> None:
            commitment = desk.commitment(db_session, self.commitment_id)
            acts = (
                db_session.execute(sa.select(Act).where(Act.commitment_id == self.commitment_id))
                .scalars()
                .all()
            )
            with app.app_context():
                pdf = current_pdf(db_session, commitment)
            expected = {a.field_name for a in acts if a.field_name}
            assert signed_field_names(pdf) == expected
            status = commitment_status(commitment)
            assert status.state is self.model.commitment_state()
            assert status.is_complete == (commitment.completed_at is not None)

        def teardown(self) -> None:
            commitment = desk.commitment(db_session, self.commitment_id)
            with app.app_context():
                pdf = current_pdf(db_session, commitment)
                report = verify_pdf(
                    pdf,
                    trust_roots=service.trust_roots(),
                    crls=service.current_crls(db_session),
                )
            assert report.valid, report.problems
            # A document time stamp follows the seal and every act: always B-LTA.
            assert report.has_lta

    # Wrong passphrases count toward the key lock; a generous limit keeps this run about acts.
    app.config["PASSPHRASE_MAX_FAILURES"] = 1000
    run_state_machine_as_test(
        PdfMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # Each step signs a real PDF: shrinking a failure could take many minutes; the
            # printed steps of the failing run are short enough to read as they are.
            phases=[Phase.explicit, Phase.generate],
            # Examples saved by another run (another database, an older rule set) are not
            # replayed: each run builds its own commitments.
            database=None,
        ),
    )
    db_session.rollback()
    assert audit.verify_chain(db_session) == []
