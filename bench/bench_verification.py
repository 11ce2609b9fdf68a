"""Verification of a 5-signature commitment, beside a bare pyHanko validation loop.

The document is a real revision from the database: the office seal and four acts (the Wakil
Bupati's paraf, the Bupati's, the Ketua DPRD's and the Gubernur's signatures), each B-LT
(time stamp and CRLs in the DSS), as :mod:`bench.bench_act` made it through the service.

Interleaved, each round:

* ``library``: :func:`signing.pades.verify.verify_pdf` (our report, one validation context);
* ``service``: :func:`signing.verification.service.verify_upload`, what the verification page
  and ``POST /api/v1/verify`` run: pyHanko in a forked, resource-limited child plus the join
  with our acts and revisions;
* ``bare``: ``PdfFileReader`` + ``validate_pdf_signature`` for each embedded signature with one
  offline ``ValidationContext`` (same roots and CRLs), nothing else.

Target (issue 10): within 1.2x of bare pyHanko.
"""

from __future__ import annotations

import statistics
import time
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from flask import Flask

ROUNDS = 10


def five_signature_revision(app: Flask, commitment_ids: list[int]) -> bytes:
    """The first stored revision holding exactly five signatures (seal + four acts)."""
    from signing import db
    from signing.commitments.storage import revision_pdf
    from signing.models import Act, Commitment, Revision

    with app.app_context():
        session = db.session
        for commitment_id in commitment_ids:
            commitment = session.get(Commitment, commitment_id)
            revisions = session.execute(
                sa.select(Revision)
                .where(Revision.commitment_id == commitment_id, Revision.act_id.is_not(None))
                .order_by(Revision.sequence)
            ).scalars()
            for count, revision in enumerate(revisions, start=1):
                act = session.get(Act, revision.act_id)
                if count == 5 and act is not None:
                    return revision_pdf(session, commitment, revision.sha256)
    raise LookupError("no revision with five signatures")


def run(app: Flask, pdf: bytes, *, rounds: int = ROUNDS) -> dict[str, Any]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    from signing import db
    from signing.pades.validation import to_asn1_certificate, to_asn1_crl
    from signing.pades.verify import verify_pdf
    from signing.pki import service
    from signing.verification.service import verify_upload

    with app.app_context():
        roots = service.trust_roots()
        crls = service.current_crls(db.session)
        issuing = service.get_ca().issuing_cert

    def library() -> Any:
        report = verify_pdf(pdf, trust_roots=roots, crls=crls, other_certs=[issuing])
        assert report.valid, report.problems
        return report

    def through_service() -> Any:
        with app.app_context():
            result = verify_upload(db.session, pdf)
        assert result.is_valid, result.message
        return result

    asn1_roots = [to_asn1_certificate(c) for c in roots]
    asn1_crls = [to_asn1_crl(c) for c in crls]
    asn1_others = [to_asn1_certificate(issuing)]

    def bare() -> Any:
        reader = PdfFileReader(BytesIO(pdf))
        context = ValidationContext(
            trust_roots=asn1_roots,
            other_certs=asn1_others,
            crls=asn1_crls,
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        # Each act is followed by a document time stamp (issue 16): both kinds are validated, as
        # verify_pdf does; a time stamp is not a /Sig and has its own validator.
        results = [
            validate_pdf_signature(embedded, context, context)
            for embedded in reader.embedded_regular_signatures
        ] + [
            validate_pdf_timestamp(embedded, validation_context=context)
            for embedded in reader.embedded_timestamp_signatures
        ]
        # A signature's verdict is bottom_line; a time stamp's is intact, valid and trusted.
        assert all(
            r.bottom_line if hasattr(r, "bottom_line") else r.intact and r.valid and r.trusted
            for r in results
        )
        return results

    signatures = len(library().signatures)
    variants = {"library": library, "service": through_service, "bare": bare}
    for fn in variants.values():  # warm: imports, the verification worker pool
        fn()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for index in range(rounds):
        order = names[index % 3 :] + names[: index % 3]
        for name in order:
            started = time.perf_counter()
            variants[name]()
            samples[name].append(time.perf_counter() - started)
    medians = {name: round(1000 * statistics.median(v), 2) for name, v in samples.items()}
    return {
        "signatures": signatures,
        "document_bytes": len(pdf),
        "library_ms": medians["library"],
        "service_ms": medians["service"],
        "bare_ms": medians["bare"],
        "library_vs_bare": round(medians["library"] / medians["bare"], 3),
        "service_vs_bare": round(medians["service"] / medians["bare"], 3),
        "rounds": rounds,
    }
