"""Verification of a PDF against this system: pyHanko's report joined with our records.

pyHanko (:func:`signing.pades.verify.verify_pdf`, run under limits by
:mod:`signing.verification.sandbox`) says whether the signatures are intact and trusted; only
our records say *what* each signature is (signature, paraf, witness, seal: the PDF cannot tell
a paraf from a signature), in what capacity it was made, whether this file was issued here, and
whether it is the latest revision.

How a file is recognised as ours: every revision we ever stored is a blob addressed by its
SHA-256. An incremental PDF revision ends at a ``%%EOF`` marker, and each signature covers the
file up to the end of its ``/ByteRange``; we hash the upload up to each such offset (in one pass)
and look those hashes up among our revisions. A match is a fact about the bytes, whatever the
file claims; the longest matching prefix is the revision this copy was made from, and anything
after it was added elsewhere.

The verdict, first match wins:

1. pyHanko could not read or verify the file -> "Tidak dapat diperiksa: ..." (exit 2);
2. no signature at all -> "Tidak dapat diperiksa: ..." (exit 2);
3. a signature is not intact, the file was changed beyond what the signatures allow (pyHanko's
   ``bottom_line``, not ``intact`` alone: an unsigned update that adds visible text leaves every
   signature intact), or a signature was added that our records do not know, on a file with our
   signatures in it -> "Dokumen telah diubah setelah ditandatangani" (exit 1);
4. the signatures are not from this system's CA, or are but the file is not one we issued ->
   "Tidak diterbitkan oleh sistem ini" (exit 1);
5. a signer's certificate is revoked -> "Tidak sah: sertifikat penanda tangan dicabut" (exit 1);
6. the commitment was voided -> "Tidak berlaku: komitmen telah dibatalkan" (exit 1);
7. valid and the copy carries every act the commitment needs -> "Sah dan lengkap" (exit 0),
   otherwise "Sah, belum lengkap" (exit 0). Either way the copy says whether it is the latest
   revision ("bukan berkas terbaru" when not).

A file with no signature that is one of our own print copies, byte for byte as handed out, is
named as such (2 becomes "Salinan cetak dokumen yang diterbitkan sistem ini", exit 2: paper
proves nothing electronically), with the original's current status; see
:mod:`signing.verification.print_copies`.

Beside this module: :mod:`~signing.verification.records` (which of our revisions the bytes
are), :mod:`~signing.verification.results` (the verdict and what it carries),
:mod:`~signing.verification.labels` (how an act is named) and
:mod:`~signing.verification.public` (the QR page's status); the public names are importable
from here too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from signing.commitments.loading import load_commitment
from signing.models import Act, ActKind, Capacity, Commitment
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS
from signing.pades.verify import SignatureReport, VerificationReport
from signing.pki import service as pki
from signing.pki.errors import PkiError
from signing.workflow.status import commitment_status

from .admission import AddressBusy, admitted
from .labels import act_kind_label, attests_label, capacity_label, format_wib, slot_label
from .precheck import structural_problem
from .print_copies import recognise_print_copy
from .public import PublicAct, PublicParty, PublicStatus, public_status
from .records import Records, candidate_prefixes, find_records
from .results import SignatureView, Verdict, VerificationResult
from .sandbox import UNVERIFIABLE, Limits, VerifierBusy, start_bounded, unverifiable

__all__ = [
    "AddressBusy",
    "PublicAct",
    "PublicParty",
    "PublicStatus",
    "SignatureView",
    "Verdict",
    "VerificationResult",
    "VerifierBusy",
    "candidate_prefixes",
    "capacity_label",
    "format_wib",
    "interpret",
    "limits_from_config",
    "public_status",
    "verify_upload",
]


# ---------------------------------------------------------------------------- the join


def _view(report: SignatureReport, act: Act | None, *, timestamp_recorded: bool) -> SignatureView:
    if report.is_document_timestamp:
        kind: str | None = "timestamp"
        recorded = timestamp_recorded
    else:
        kind = ActKind(act.kind).value if act is not None else None
        recorded = act is not None
    capacity = Capacity(act.capacity) if act is not None else None
    return SignatureView(
        field_name=report.field_name,
        kind=kind if (recorded or report.is_document_timestamp) else None,
        kind_label=act_kind_label(kind if recorded or report.is_document_timestamp else None),
        recorded=recorded,
        act_id=act.id if act is not None else None,
        name=act.actor_name if act is not None else report.signer_name,
        office=(act.actor_office_title if act is not None else None) or report.signer_office,
        capacity=capacity.value if capacity is not None else None,
        capacity_label=(
            capacity_label(capacity)
            if capacity is not None and act is not None and act.kind != ActKind.SEAL
            else ""
        ),
        slot_label=slot_label(act) if act is not None else "",
        attests=attests_label(act) if act is not None else None,
        recorded_at=act.created_at if act is not None else None,
        certificate_name=report.signer_name,
        certificate_office=report.signer_office,
        signing_time=report.signing_time,
        timestamp_time=report.timestamp_time,
        intact=report.intact,
        trusted=report.trusted,
        revoked=report.revoked,
        ok=report.bottom_line,
        problem=report.problem,
        modification_level=report.modification_level,
        coverage=report.coverage,
        signed_revision=report.signed_revision,
    )


def _outstanding(commitment: Commitment, in_copy: set[int]) -> tuple[str, ...]:
    """What the commitment still needs, judged on the acts inside this copy."""
    lines = []
    acts_by_slot: dict[int, list[Act]] = {}
    for act in commitment.acts:
        if act.slot_id is not None and act.id in in_copy:
            acts_by_slot.setdefault(act.slot_id, []).append(act)
    for slot in commitment.slots:
        kinds = {ActKind(a.kind) for a in acts_by_slot.get(slot.id, [])}
        if slot.role in WITNESS_SLOTS:
            if ActKind.WITNESS not in kinds:
                lines.append(f"{slot.role.label}: belum bersaksi")
        elif slot.role in PARTY_SLOTS and ActKind.SIGN not in kinds:
            if ActKind.PARAF in kinds:
                lines.append(f"{slot.role.label}: baru paraf, tanda tangan masih ditunggu")
            else:
                lines.append(f"{slot.role.label}: belum ditandatangani")
    return tuple(lines)


def interpret(db_session: Session, pdf: bytes, report: VerificationReport) -> VerificationResult:
    """Join pyHanko's ``report`` on ``pdf`` with our records and reach the verdict."""
    pdf = bytes(pdf)
    return _judge(pdf, report, find_records(db_session, pdf))


def _judge(pdf: bytes, report: VerificationReport, records: Records) -> VerificationResult:
    base: dict[str, Any] = {
        "sha256": report.sha256,
        "size": len(pdf),
        "report": report,
        "signatures": (),
    }
    details: list[str] = []

    def answer(verdict: Verdict, *, issued_here: bool, message: str = "") -> VerificationResult:
        return VerificationResult(
            verdict=verdict,
            message=message or verdict.label,
            details=tuple(details),
            issued_here=issued_here,
            **base,
        )

    revision, commitment = records.revision, records.commitment
    if commitment is not None and revision is not None:
        latest = max(r.sequence for r in commitment.revisions)
        base.update(
            commitment_id=commitment.id,
            commitment_code=commitment.code,
            commitment_number=commitment.number,
            region_name=commitment.region.name,
            revision_sequence=revision.sequence,
            latest_sequence=latest,
            is_latest=revision.sha256 == commitment.current_sha256,
            exact_copy=records.prefixes[revision.sha256] == len(pdf),
        )

    if report.error:
        if commitment is not None and revision is not None:
            details.append(
                f"Bagian awal berkas sama dengan tahap penandatanganan ke-{revision.sequence} "
                f"dokumen {commitment.number}; sisanya terpotong atau rusak."
            )
        return answer(
            Verdict.CANNOT_VERIFY, issued_here=commitment is not None, message=report.error
        )

    acts_by_field: dict[str, Act] = {}
    act_sequence: dict[int, int] = {}
    timestamps_in_copy = 0
    if commitment is not None and revision is not None:
        for rev in commitment.revisions:
            if rev.act_id is not None:
                act_sequence[rev.act_id] = rev.sequence
            if rev.label == "timestamp" and rev.sequence <= revision.sequence:
                timestamps_in_copy += 1
        for act in commitment.acts:
            seq = act_sequence.get(act.id)
            if act.field_name and seq is not None and seq <= revision.sequence:
                acts_by_field[act.field_name] = act

    views: list[SignatureView] = []
    timestamps_seen = 0
    for sig in report.signatures:
        act = None if sig.is_document_timestamp else acts_by_field.get(sig.field_name)
        if sig.is_document_timestamp:
            timestamps_seen += 1
        views.append(_view(sig, act, timestamp_recorded=timestamps_seen <= timestamps_in_copy))
    base["signatures"] = tuple(views)
    base["has_lta"] = report.has_lta
    regular = [v for v in views if v.kind != "timestamp"]

    if not regular:
        message = UNVERIFIABLE + "dokumen tidak memiliki tanda tangan elektronik."
        details.append(
            "Hanya dokumen yang ditandatangani secara elektronik yang dapat diperiksa. "
            "Salinan cetak (dengan lembar verifikasi) tidak lagi memuat tanda tangan "
            "elektronik: periksa dokumen aslinya, atau cocokkan SHA-256 pada lembar "
            "verifikasi dengan halaman kode QR."
        )
        return answer(Verdict.CANNOT_VERIFY, issued_here=commitment is not None, message=message)

    unrecorded = [v for v in regular if not v.recorded]
    tampered = [v for v in views if not v.intact or (not v.ok and v.trusted and not v.revoked)]
    ours_signed = commitment is not None or any(v.trusted for v in regular)

    # One line per distinct problem, naming the signatures it concerns (six identical lines
    # for one shadow edit help nobody).
    grouped: dict[str, list[str]] = {}
    for v in views:
        if not v.ok and v.problem:
            grouped.setdefault(v.problem, []).append(v.kind_label.lower())
    for problem, kinds in grouped.items():
        count = len(kinds)
        if count == len(views) and count > 1:
            details.append(f"Semua {count} tanda tangan: {problem}")
        else:
            details.append(f"{problem} ({', '.join(kinds)})")

    if tampered and ours_signed or (unrecorded and commitment is not None):
        if unrecorded and commitment is not None:
            for v in unrecorded:
                who = v.certificate_name or "tanpa nama"
                details.append(
                    f"Tanda tangan pada bidang '{v.field_name}' ({who}) tidak tercatat di sistem "
                    "ini: ditambahkan setelah dokumen diterbitkan."
                )
        if commitment is not None and revision is not None:
            details.append(
                "Bagian yang ditandatangani berasal dari tahap penandatanganan "
                f"ke-{revision.sequence} dokumen {commitment.number}; isi yang ditambahkan "
                "sesudahnya tidak berasal dari sistem ini."
            )
        return answer(Verdict.MODIFIED, issued_here=commitment is not None)

    if commitment is None:
        if all(v.trusted for v in regular):
            details.append(
                "Tanda tangan dibuat dengan sertifikat CA aplikasi ini, tetapi berkas ini tidak "
                "tercatat sebagai dokumen yang diterbitkan sistem ini."
            )
        else:
            details.append(
                "Sertifikat penanda tangan tidak diterbitkan oleh CA aplikasi ini "
                f"({', '.join(sorted({v.certificate_name or '?' for v in regular}))})."
            )
        return answer(Verdict.NOT_ISSUED_HERE, issued_here=False)

    assert revision is not None
    if any(v.revoked for v in views):
        return answer(Verdict.REVOKED, issued_here=True)
    if not report.valid:
        # Every remaining failure is pyHanko's: never call the file valid. Intact signatures of
        # ours that no longer validate (an expired certificate, a replaced CA) are a matter of
        # trust, not of tampering.
        failing = [v for v in views if not v.ok]
        if failing and all(v.intact and not v.trusted for v in failing):
            message = UNVERIFIABLE + "sertifikat penanda tangan tidak dapat divalidasi saat ini."
            return answer(Verdict.CANNOT_VERIFY, issued_here=True, message=message)
        return answer(Verdict.MODIFIED, issued_here=True)

    in_copy = {v.act_id for v in views if v.act_id is not None}
    outstanding = _outstanding(commitment, in_copy)
    base["outstanding"] = outstanding
    base["copy_complete"] = not outstanding
    if not base["exact_copy"]:
        details.append(
            "Berkas memuat pembaruan tambahan di luar sistem ini yang tidak mengubah isi "
            "dokumen (misalnya data validasi jangka panjang)."
        )
    if not base["is_latest"]:
        details.append(
            f"Salinan ini bukan berkas terbaru: tahap penandatanganan ke-{revision.sequence}, "
            f"sedangkan yang terbaru tahap ke-{base['latest_sequence']}. Unduh atau minta berkas "
            "terbaru."
        )
    if commitment.is_void:
        details.append(
            f"Komitmen {commitment.number} dibatalkan pada {format_wib(commitment.voided_at)}; "
            "gunakan versi penggantinya."
        )
        return answer(Verdict.VOID, issued_here=True)
    if any(a.kind == ActKind.DECLINE for a in commitment.acts):
        details.append("Salah satu pihak menolak menandatangani komitmen ini.")
    verdict = Verdict.VALID_INCOMPLETE if outstanding else Verdict.VALID_COMPLETE
    if outstanding:
        details.extend(outstanding)
    return answer(verdict, issued_here=True)


# ---------------------------------------------------------------------------- entry points


def limits_from_config(app: Flask | None = None) -> Limits:
    config = (app or current_app).config
    return Limits(
        timeout_seconds=float(config.get("VERIFY_TIMEOUT_SECONDS", 15)),
        memory_mb=int(config.get("VERIFY_MEMORY_MB", 768)),
        concurrency=int(config.get("VERIFY_CONCURRENCY", 4)),
        queue_seconds=float(config.get("VERIFY_QUEUE_SECONDS", 10)),
    )


def _trust_material(
    db_session: Session, app: Flask | None
) -> tuple[list[bytes], list[bytes], list[bytes]]:

    ca = pki.get_ca(app)
    roots = [pki.certificate_der(cert) for cert in ca.trust_roots]
    others = [pki.certificate_der(cert) for cert in ca.issuing_certs]
    return roots, list(pki.current_crls(db_session, app)), others


def verify_upload(
    db_session: Session,
    pdf: bytes,
    *,
    app: Flask | None = None,
    limits: Limits | None = None,
    address: str | None = None,
) -> VerificationResult:
    """Verify ``pdf`` (untrusted bytes) against this system. Never raises for a bad file.

    A file whose structure cannot be a readable PDF is refused before any worker sees it
    (:mod:`signing.verification.precheck`); otherwise pyHanko runs in a child process under
    ``limits`` (default: the app's ``VERIFY_*`` config), once the request is admitted
    (:mod:`signing.verification.admission`; ``address``: the client's, None from the CLI).

    :raises AddressBusy: ``address`` already has its verifications in flight.
    :raises VerifierBusy: every verification slot stayed busy.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    pdf = bytes(pdf)
    problem = structural_problem(pdf)
    if problem is not None:
        return interpret(db_session, pdf, unverifiable(pdf, problem))
    with admitted(app, address):
        return _verify_admitted(db_session, pdf, app, limits)


def _verify_admitted(
    db_session: Session, pdf: bytes, app: Flask, limits: Limits | None
) -> VerificationResult:

    try:
        roots, crls, others = _trust_material(db_session, app)
    except PkiError as error:
        report = unverifiable(pdf, f"CA aplikasi tidak tersedia ({error}).")
        return interpret(db_session, pdf, report)
    pending = start_bounded(
        pdf,
        trust_roots=roots,
        crls=crls,
        other_certs=others,
        limits=limits or limits_from_config(app),
    )
    # Our records do not depend on pyHanko's answer: look them up while the child works.
    try:
        records = find_records(db_session, pdf)
    finally:
        report = pending.result()
    return _with_print_copy(db_session, pdf, _judge(pdf, report, records))


def _with_print_copy(
    db_session: Session, pdf: bytes, result: VerificationResult
) -> VerificationResult:
    """A file without signatures that is one of our print copies: say so, name the original.

    Only for a file pyHanko found no signature in: a marker appended to a signed file changes
    nothing.
    """
    if result.signatures or result.commitment_id is not None:
        return result
    match = recognise_print_copy(db_session, pdf)
    if match is None:
        return result

    commitment = load_commitment(db_session, commitment_id=match.commitment_id)
    assert commitment is not None
    state = commitment_status(commitment).state.label
    named = {
        "commitment_code": match.code,
        "commitment_number": match.number,
        "region_name": match.region_name,
        "revision_sequence": match.revision_sequence,
        "latest_sequence": match.latest_sequence,
        "is_latest": match.is_latest,
        "print_copy": match,
        "current_status": state,
    }
    if not match.recorded:
        return replace(
            result,
            details=(
                *result.details,
                f"Berkas ini menyebut dirinya salinan cetak dokumen {match.number} "
                f"({match.region_name}), tetapi tidak sama dengan salinan cetak mana pun yang "
                "diterbitkan sistem ini: isinya mungkin telah diubah. Bandingkan dengan dokumen "
                "asli melalui halaman status komitmen.",
            ),
            **named,
        )
    details = [
        f"Berkas ini adalah salinan cetak (dengan lembar verifikasi) yang dibuat sistem ini pada "
        f"{format_wib(match.issued_at)} dari dokumen {match.number} ({match.region_name}), "
        f"tahap penandatanganan ke-{match.revision_sequence}.",
        "Salinan cetak tidak lagi memuat tanda tangan elektronik: yang membuktikan adalah "
        "dokumen aslinya, yang dapat diunduh dan diperiksa dari halaman status komitmen.",
        f"Status dokumen asli saat ini: {state}.",
    ]
    if not match.is_latest:
        details.append(
            f"Sejak salinan ini dibuat, dokumen aslinya telah diperbarui (tahap "
            f"penandatanganan terbaru: ke-{match.latest_sequence})."
        )
    if match.is_void:
        details.append("Komitmen ini telah dibatalkan; gunakan versi penggantinya.")
    return replace(
        result,
        verdict=Verdict.PRINT_COPY,
        message=Verdict.PRINT_COPY.label,
        details=tuple(details),
        issued_here=True,
        **named,
    )
