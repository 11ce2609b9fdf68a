"""Validation without us: every copy the app hands out, complete or not, validates in pyHanko
with only our root as trust anchor and fetching disabled, now and 30 days later (the later date
after ``signing archive renew`` for a complete record), and in poppler's pdfsig with the root in
an NSS database.

30 days is past every issuing CRL and OCSP response embedded (7 days): what carries the copy
then is the chain of document time stamps (one after the seal and after every act, each with the
revocation data of the signature before it) and the TSA's place under the root, whose CRL lives
365 days.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from signing.commitments.storage import current_pdf
from signing.models import ActKind, AuditEntry, Revision, SlotRole
from signing.pades.validation import to_asn1_certificate
from signing.pades.verify import verify_pdf
from signing.pki import service

from ..pades.pdf_helpers import pdfsig_blocks

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI
LATER = dt.timedelta(days=30)


def _spec(root) -> PdfSignatureValidationSpec:  # type: ignore[no-untyped-def]
    """Only our root is trusted; revocation data is required and only what the PDF holds."""
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[to_asn1_certificate(root)]),
                revinfo_policy=CertRevTrustPolicy(revocation_checking_policy=REQUIRE_REVINFO),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )


def lta_results(pdf: bytes, root, moment: dt.datetime):  # type: ignore[no-untyped-def]
    """pyHanko's PAdES long-term validation (ETSI EN 319 102-1 5.6.3) of every signature at
    ``moment``: {field: (sub-indication, oldest document time stamp after it)}."""
    reader = PdfFileReader(BytesIO(pdf))
    timing = ValidationTimingInfo(moment, moment, True)
    results = {}
    for embedded in reader.embedded_regular_signatures:
        result = asyncio.run(ades_lta_validation(embedded, _spec(root), timing_info=timing))
        results[embedded.field_name] = (
            result.ades_subindic,
            result.oldest_evidence_record_timestamp,
        )
    return results


def assert_valid_without_us(pdf: bytes, root, moment: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    results = lta_results(pdf, root, moment)
    assert results
    for field, (indication, evidence) in results.items():
        assert indication is AdESPassed.OK, (field, indication, moment)
        # The document time stamp chain after the signature validated (else no evidence).
        assert evidence is not None, field


def assert_pdfsig_trusts_every_signature(pdf: bytes, root, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = tmp_path / "nss"
    directory.mkdir(exist_ok=True)
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    nss = f"sql:{directory}"
    if not (directory / "cert9.db").exists():
        subprocess.run(["certutil", "-N", "-d", nss, "--empty-password"], check=True)
        subprocess.run(
            [
                "certutil",
                "-A",
                "-d",
                nss,
                "-n",
                "akar",
                "-t",
                "CT,C,C",
                "-i",
                str(directory / "root.pem"),
            ],
            check=True,
        )
    path = tmp_path / "salinan.pdf"
    path.write_bytes(pdf)
    blocks = pdfsig_blocks(path, nss)
    signatures = {
        n: b for n, b in blocks.items() if b.get("Signature Type") == "ETSI.CAdES.detached"
    }
    assert "Segel" in signatures
    for name, info in signatures.items():
        assert info["Signature Validation"] == "Signature is Valid.", (name, info)
        assert info["Certificate Validation"] == "Certificate is Trusted.", (name, info)
    # poppler lists the document time stamps but does not verify RFC 3161 stamps (its type
    # "unknown"): pyHanko above is the check of those.
    stamps = [b for n, b in blocks.items() if n.startswith("CapWaktuDokumen-")]
    assert stamps and all(
        "Time Stamping Authority" in b["Signer Certificate Common Name"] for b in stamps
    )


def _handed_out(app, db_session, desk, commitment_id: int) -> bytes:  # type: ignore[no-untyped-def]
    commitment = desk.commitment(db_session, commitment_id)
    with app.app_context():
        pdf = current_pdf(db_session, commitment)
        # What the app itself says, with only the root and no CRLs of ours passed in.
        report = verify_pdf(pdf, trust_roots=service.trust_roots())
    assert report.valid and report.has_lta, report.problems
    return pdf


@pytest.fixture(autouse=True)
def _quiet_pyhanko(caplog):  # type: ignore[no-untyped-def]
    # Past validation logs every current-time failure it then repairs.
    caplog.set_level(logging.CRITICAL, logger="pyhanko")


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_complete_and_incomplete_copies_validate_without_us_now_and_30_days_later(
    app, db_session, desk, tmp_path
):
    desk.enrol("bupati-62.01", "ketua-dprd-62.01")
    incomplete_id, complete_id = desk.generate("62.02", "62.01")
    # Incomplete: sealed, initialled by the Wakil Bupati, witnessed once.
    paraf = desk.act(incomplete_id, KD, ActKind.PARAF, "wakil-bupati-62.02")
    desk.act(incomplete_id, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf.id)
    # Complete: every party and both witnesses.
    desk.act(complete_id, KD, ActKind.SIGN, "bupati-62.01")
    desk.act(complete_id, KETUA, ActKind.SIGN, "ketua-dprd-62.01")
    desk.act(complete_id, GUB, ActKind.SIGN, "gubernur")
    desk.act(complete_id, SAKSI1, ActKind.WITNESS, "wakil-gubernur")
    desk.act(complete_id, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi")
    assert desk.commitment(db_session, complete_id).completed_at is not None
    with app.app_context():
        root = service.get_ca().root_cert
    now = dt.datetime.now(dt.UTC)

    incomplete = _handed_out(app, db_session, desk, incomplete_id)
    assert_valid_without_us(incomplete, root, now)
    assert_valid_without_us(incomplete, root, now + LATER)
    assert_pdfsig_trusts_every_signature(incomplete, root, tmp_path)

    complete = _handed_out(app, db_session, desk, complete_id)
    assert set(lta_results(complete, root, now)) == {
        "Segel",
        *(desk.commitment(db_session, complete_id).slot(r).field_name for r in SlotRole),
    }
    assert_valid_without_us(complete, root, now)
    assert_pdfsig_trusts_every_signature(complete, root, tmp_path)

    # The archive renewal adds a fresh stamp with fresh revocation data; the later date holds.
    result = app.test_cli_runner().invoke(args=["archive", "renew", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 dari 1 dokumen lengkap diperbarui." in result.output
    renewed = _handed_out(app, db_session, desk, complete_id)
    assert renewed.startswith(complete) and len(renewed) > len(complete)
    assert_valid_without_us(renewed, root, now + LATER)
    assert_pdfsig_trusts_every_signature(renewed, root, tmp_path)
    labels = db_session.execute(
        sa.select(Revision.label)
        .where(Revision.commitment_id == complete_id)
        .order_by(Revision.sequence.desc())
        .limit(2)
    ).scalars()
    assert list(labels) == ["timestamp", "timestamp"]
    entry = db_session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "commitment.archive_renew")
    ).scalar_one()
    assert entry.commitment_id == complete_id and entry.details["verifiable_until"]
    db_session.rollback()


def test_archive_renew_skips_records_whose_stamp_is_far_from_expiring(app, db_session, desk):
    desk.enrol("bupati-62.02")
    kotim = desk.generate("62.02")[0]
    for role, kind, user in (
        (KD, ActKind.SIGN, "bupati-62.02"),
        (KETUA, ActKind.SIGN, "ketua-dprd-62.02"),
        (GUB, ActKind.SIGN, "gubernur"),
        (SAKSI1, ActKind.WITNESS, "wakil-gubernur"),
        (SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi"),
    ):
        desk.act(kotim, role, kind, user)
    runner = app.test_cli_runner()
    before = desk.commitment(db_session, kotim).current_sha256
    # The newest stamp rests on the root CRL (365 days) and a 5-year TSA: not due in 60 days.
    result = runner.invoke(args=["archive", "renew"])
    assert result.exit_code == 0, result.output
    assert "0 dari 1 dokumen lengkap diperbarui." in result.output
    assert desk.commitment(db_session, kotim).current_sha256 == before
    # Due when the window reaches the root CRL's end.
    result = runner.invoke(args=["archive", "renew", "--before", "400"])
    assert "1 dari 1 dokumen lengkap diperbarui." in result.output
    assert "PERINGATAN: CRL akar" in result.output
    assert desk.commitment(db_session, kotim).current_sha256 != before
