"""Each verdict on real files: documents made and signed through the app, then copied, aged,
cut, edited, or signed elsewhere. pyHanko validates every one; nothing is mocked."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from signing import db
from signing.models import Commitment, Revision, SigningCertificate, User
from signing.pades.sign import (
    ActKind,
    Appearance,
    apply_act,
    make_validation_context,
    seal_document,
)
from signing.pades.signers import InternalKeySigner
from signing.pki.ca import issue_certificate
from signing.pki.keystore import generate_private_key
from signing.pki.tsa import make_timestamper
from signing.verification.service import Verdict, candidate_prefixes
from tests.pades.pdf_helpers import add_visible_text, commitment_pdf, encrypted_pdf, flip_byte
from tests.pki.ca_fixtures import make_test_ca

from .bombs import nesting_bomb, object_stream_bomb, wide_array_bomb
from .scenario import Scenario


@pytest.fixture(scope="session")
def foreign_ca(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Another institution's CA: valid PAdES, but not ours."""
    return make_test_ca(tmp_path_factory.mktemp("foreign") / "certs", organisation="Instansi Lain")


def _signer(ca, name: str = "Pejabat Lain") -> InternalKeySigner:  # type: ignore[no-untyped-def]
    key = generate_private_key("p256")
    cert = issue_certificate(
        ca, key.public_key(), common_name=name, office="Kepala", institution="X"
    )
    return InternalKeySigner(cert, key, ca.chain)


def _vc(ca):  # type: ignore[no-untyped-def]
    return make_validation_context(ca.trust_roots, ca.read_crls(), other_certs=ca.chain)


def _our_ca(app):  # type: ignore[no-untyped-def]
    from signing.pki import service

    with app.app_context():
        return service.get_ca(app)


def _revisions(app, commitment_id: int) -> list[Revision]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(
            db.session.execute(
                sa.select(Revision)
                .where(Revision.commitment_id == commitment_id)
                .order_by(Revision.sequence)
            ).scalars()
        )


def _blob(app, sha256: str) -> bytes:  # type: ignore[no-untyped-def]
    from signing.commitments.storage import revision_pdf

    with app.app_context():
        revision = (
            db.session.execute(sa.select(Revision).where(Revision.sha256 == sha256))
            .scalars()
            .first()
        )
        return revision_pdf(db.session, revision.commitment, sha256)


# ------------------------------------------------------------------------------ valid


def test_complete_document_is_valid_and_complete(
    verify, current_pdf_of, scenario: Scenario
) -> None:
    pdf = current_pdf_of(scenario.complete)
    result = verify(pdf)
    assert result.verdict is Verdict.VALID_COMPLETE, result.details
    assert result.message == "Sah dan lengkap"
    assert result.exit_code == 0
    assert result.issued_here and result.exact_copy and result.is_latest
    assert result.copy_complete and result.has_lta
    assert result.sha256 == hashlib.sha256(pdf).hexdigest()
    kinds = [s.kind for s in result.signatures]
    # A document time stamp after the seal and after every act.
    assert sorted(kinds) == sorted(
        ["seal", "sign", "sign", "sign", "witness", "witness", *["timestamp"] * 6]
    )
    assert all(s.ok and s.trusted and s.intact and s.recorded for s in result.signatures)
    witness = next(s for s in result.signatures if s.kind == "witness")
    assert witness.attests and witness.attests.startswith("menyaksikan tanda tangan")


def test_paraf_is_named_from_our_records_and_the_copy_is_incomplete(
    app, verify, current_pdf_of, scenario: Scenario
) -> None:
    result = verify(current_pdf_of(scenario.kotim))
    assert result.verdict is Verdict.VALID_INCOMPLETE
    assert result.message == "Sah, belum lengkap"
    assert result.exit_code == 0
    assert result.is_latest and not result.copy_complete
    by_field = {s.field_name: s for s in result.signatures}
    paraf = by_field["paraf_kepala_daerah"]
    # The PDF only holds a signature; the kind, the capacity and the name come from the acts.
    assert paraf.kind == "paraf" and paraf.kind_label == "Paraf"
    assert paraf.name == "H.M. Taufik Mukri"
    assert paraf.capacity == "stand_in"
    assert "paraf saja" in paraf.capacity_label
    assert by_field["saksi_wakil_gubernur"].kind == "witness"
    assert "paraf H.M. Taufik Mukri" in by_field["saksi_wakil_gubernur"].attests
    assert by_field["ttd_ketua_dprd"].kind == "sign"
    assert by_field["Segel"].kind == "seal"
    assert any("Bupati/Wali Kota" in line and "tanda tangan masih ditunggu" in line
               for line in result.outstanding)  # fmt: skip


def test_older_revision_is_valid_but_not_the_latest(app, verify, scenario: Scenario) -> None:
    revisions = _revisions(app, scenario.kotim)
    older = revisions[6]  # after the paraf and the first witness (each with its time stamp)
    result = verify(_blob(app, older.sha256))
    assert result.verdict is Verdict.VALID_INCOMPLETE
    assert result.is_latest is False
    assert result.revision_sequence == older.sequence
    assert result.latest_sequence == revisions[-1].sequence
    assert any("bukan berkas terbaru" in line for line in result.details)
    assert {s.kind for s in result.signatures} == {"seal", "paraf", "witness", "timestamp"}


def test_a_complete_commitment_seen_before_its_last_signature_is_incomplete(
    app, verify, scenario: Scenario
) -> None:
    revisions = _revisions(app, scenario.complete)
    before_last = revisions[-3]  # the last party act and its time stamp come after it
    result = verify(_blob(app, before_last.sha256))
    assert result.verdict is Verdict.VALID_INCOMPLETE
    assert not result.is_latest


def test_draft_with_only_the_office_seal(verify, current_pdf_of, scenario: Scenario) -> None:
    result = verify(current_pdf_of(scenario.draft))
    assert result.verdict is Verdict.VALID_INCOMPLETE
    assert [s.kind for s in result.signatures] == ["seal", "timestamp"]
    assert len(result.outstanding) == 5


# ------------------------------------------------------------------------------ changed


def test_unsigned_update_adding_visible_text_is_a_changed_document(
    verify, current_pdf_of, scenario: Scenario
) -> None:
    original = current_pdf_of(scenario.complete)
    shadow = add_visible_text(original, b"DIBATALKAN")
    result = verify(shadow)
    assert result.verdict is Verdict.MODIFIED
    assert result.message == "Dokumen telah diubah setelah ditandatangani"
    assert result.exit_code == 1
    # Every signature is still cryptographically intact: only the bottom line says otherwise.
    assert all(s.intact for s in result.signatures)
    assert not all(s.ok for s in result.signatures)
    assert result.issued_here and not result.exact_copy


def test_flipped_byte_inside_the_signed_part(verify, current_pdf_of, scenario: Scenario) -> None:
    pdf = current_pdf_of(scenario.kotim)
    offset = pdf.index(b"KOMITMEN") if b"KOMITMEN" in pdf else len(pdf) // 3
    result = verify(flip_byte(pdf, offset))
    assert result.verdict in (Verdict.MODIFIED, Verdict.CANNOT_VERIFY)
    assert result.exit_code != 0


def test_a_signature_added_with_our_ca_but_not_recorded_is_a_change(
    app, verify, current_pdf_of, scenario: Scenario
) -> None:
    """A key of ours used outside the workflow: pyHanko alone would call it valid."""
    ca = _our_ca(app)
    forged = apply_act(
        current_pdf_of(scenario.draft),
        field_name="ttd_gubernur",
        kind=ActKind.SIGN,
        signer=_signer(ca, "Orang Dalam"),
        appearance=Appearance("Orang Dalam", "Gubernur", None, dt.datetime.now(dt.UTC)),
        timestamper=make_timestamper(ca),
        validation_context=_vc(ca),
    )
    result = verify(forged)
    assert result.report.valid, "pyHanko accepts it: the join with our records must not"
    assert result.verdict is Verdict.MODIFIED
    assert any("tidak tercatat" in line for line in result.details)
    unknown = next(s for s in result.signatures if s.field_name == "ttd_gubernur")
    assert not unknown.recorded and unknown.kind is None


def test_a_foreign_signature_added_to_our_document_is_a_change(
    foreign_ca, verify, current_pdf_of, scenario: Scenario
) -> None:
    signed = apply_act(
        current_pdf_of(scenario.draft),
        field_name="ttd_ketua_dprd",
        kind=ActKind.SIGN,
        signer=_signer(foreign_ca),
        appearance=Appearance("Pejabat Lain", "Kepala", None, dt.datetime.now(dt.UTC)),
        timestamper=make_timestamper(foreign_ca),
        validation_context=_vc(foreign_ca),
    )
    result = verify(signed)
    assert result.verdict is Verdict.MODIFIED
    assert result.exit_code == 1


# -------------------------------------------------------------------------- not from us


def test_document_signed_by_a_foreign_ca(foreign_ca, verify) -> None:
    signer = InternalKeySigner(foreign_ca.seal_cert, foreign_ca.seal_key, foreign_ca.chain)
    pdf = seal_document(
        commitment_pdf(), signer, make_timestamper(foreign_ca), validation_context=_vc(foreign_ca)
    )
    result = verify(pdf)
    assert result.verdict is Verdict.NOT_ISSUED_HERE
    assert result.message == "Tidak diterbitkan oleh sistem ini"
    assert result.exit_code == 1
    assert not result.issued_here
    assert all(not s.trusted for s in result.signatures)
    assert any("bukan CA aplikasi" in s.certificate_status for s in result.signatures)


def test_document_signed_with_our_ca_that_we_never_issued(app, verify) -> None:
    ca = _our_ca(app)
    signer = InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain)
    pdf = seal_document(commitment_pdf(), signer, make_timestamper(ca), validation_context=_vc(ca))
    result = verify(pdf)
    assert result.report.valid
    assert result.verdict is Verdict.NOT_ISSUED_HERE
    assert any("tidak tercatat" in line for line in result.details)


# --------------------------------------------------------------------- cannot be checked


def test_truncated_copy_cannot_be_verified_and_names_its_origin(
    verify, current_pdf_of, scenario: Scenario
) -> None:
    pdf = current_pdf_of(scenario.complete)
    result = verify(pdf[: len(pdf) - 700])
    assert result.verdict is Verdict.CANNOT_VERIFY
    assert result.message.startswith("Tidak dapat diperiksa: ")
    assert result.exit_code == 2
    assert any("terpotong" in line for line in result.details)


def test_copy_cut_exactly_at_a_revision_boundary_is_that_older_revision(
    app, verify, current_pdf_of, scenario: Scenario
) -> None:
    pdf = current_pdf_of(scenario.kotim)
    revisions = _revisions(app, scenario.kotim)
    older = _blob(app, revisions[2].sha256)
    assert pdf.startswith(older)
    result = verify(pdf[: len(older)])
    assert result.verdict is Verdict.VALID_INCOMPLETE and result.is_latest is False


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty", b"", "kosong"),
        ("text", b"Ini bukan PDF sama sekali.\n" * 20, "bukan dokumen PDF"),
        ("header only", b"%PDF-1.7\n", None),
        ("png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "bukan dokumen PDF"),
    ],
)
def test_non_pdf_input(verify, name: str, data: bytes, expected: str | None) -> None:
    result = verify(data)
    assert result.verdict is Verdict.CANNOT_VERIFY, name
    assert result.exit_code == 2
    if expected:
        assert expected in result.message


def test_encrypted_pdf(verify) -> None:
    result = verify(encrypted_pdf())
    assert result.verdict is Verdict.CANNOT_VERIFY
    assert "terenkripsi" in result.message


def test_unsigned_pdf(verify) -> None:
    result = verify(commitment_pdf())
    assert result.verdict is Verdict.CANNOT_VERIFY
    assert "tidak memiliki tanda tangan" in result.message


@pytest.mark.parametrize(
    "bomb",
    [
        pytest.param(lambda: object_stream_bomb(400 * 1024 * 1024), id="inflates-to-400MB"),
        pytest.param(lambda: nesting_bomb(200_000), id="nested-200k-deep"),
        pytest.param(lambda: wide_array_bomb(600_000), id="array-of-600k-objects"),
    ],
)
def test_pdf_bombs_are_answered_within_limits(verify, bomb) -> None:  # type: ignore[no-untyped-def]
    import time

    from signing.verification.sandbox import Limits

    data = bomb()
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    result = verify(data, limits=Limits(timeout_seconds=10, memory_mb=512))
    elapsed = time.monotonic() - started
    assert result.verdict is Verdict.CANNOT_VERIFY
    assert result.message.startswith("Tidak dapat diperiksa: ")
    print(f"\nbomb answered in {elapsed * 1000:.0f} ms: {result.message}")
    assert elapsed < 10 + 5


def test_revoked_signer(app, verify, current_pdf_of, scenario: Scenario) -> None:
    """The Ketua DPRD's certificate is revoked for key compromise after the act."""
    from signing.pki import service

    with app.app_context():
        session = db.session
        user = session.execute(
            sa.select(User).where(User.username == "ketua-dprd-62.02")
        ).scalar_one()
        record = session.execute(
            sa.select(SigningCertificate).where(SigningCertificate.user_id == user.id)
        ).scalar_one()
        service.revoke(session, record, "key_compromise", actor="test")
        session.commit()
    result = verify(current_pdf_of(scenario.kotim))
    assert result.exit_code == 1
    assert result.verdict is Verdict.REVOKED
    revoked = next(s for s in result.signatures if s.field_name == "ttd_ketua_dprd")
    assert revoked.revoked and revoked.certificate_status == "Dicabut"


def test_signatures_made_before_re_enrolment_stay_valid(
    app, verify, current_pdf_of, scenario: Scenario
) -> None:
    """Re-enrolment revokes the old key as 'superseded': what it signed before stays valid."""
    from signing.pki import service

    before = verify(current_pdf_of(scenario.kotim))
    with app.app_context():
        session = db.session
        user = session.execute(
            sa.select(User).where(User.username == "ketua-dprd-62.02")
        ).scalar_one()
        service.enrol(session, user, "frasa-sandi-baru-2026", actor="test")
        session.commit()
        old = session.execute(
            sa.select(SigningCertificate).where(
                SigningCertificate.user_id == user.id, SigningCertificate.revoked_at.is_not(None)
            )
        ).scalar_one()
        assert old.revocation_reason == "superseded"
    after = verify(current_pdf_of(scenario.kotim))
    assert after.verdict is before.verdict
    assert after.exit_code == 0
    signature = next(s for s in after.signatures if s.field_name == "ttd_ketua_dprd")
    assert not signature.revoked


def test_voided_commitment(app, verify, current_pdf_of, scenario: Scenario) -> None:
    from signing.workflow.operations import void_commitment

    pdf = current_pdf_of(scenario.kotim)
    with app.app_context():
        session = db.session
        staff = session.execute(sa.select(User).where(User.username == "sekretariat")).scalar_one()
        void_commitment(
            session,
            session.get(Commitment, scenario.kotim),
            "Salah nama",
            actor=staff,
            reissue=False,
        )
        session.commit()
    result = verify(pdf)
    assert result.verdict is Verdict.VOID
    assert result.exit_code == 1
    assert any("dibatalkan" in line for line in result.details)


def test_candidate_prefixes_find_every_revision(app, current_pdf_of, scenario: Scenario) -> None:
    pdf = current_pdf_of(scenario.complete)
    prefixes = candidate_prefixes(pdf)
    for revision in _revisions(app, scenario.complete):
        assert revision.sha256 in prefixes, revision.label
