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
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session, selectinload

from signing.commitments.loading import load_commitment
from signing.dates import moment_text
from signing.models import Act, ActKind, Capacity, Commitment, Revision
from signing.models.commitments import PARTY_SLOTS, WITNESS_SLOTS
from signing.pades.verify import SignatureReport, VerificationReport

from .admission import AddressBusy, admitted
from .precheck import structural_problem
from .print_copies import PrintCopyMatch, recognise_print_copy
from .sandbox import Limits, VerifierBusy, start_bounded

__all__ = [
    "AddressBusy",
    "PublicAct",
    "PublicParty",
    "PublicStatus",
    "SignatureView",
    "Verdict",
    "VerificationResult",
    "VerifierBusy",
    "format_wib",
    "interpret",
    "limits_from_config",
    "public_status",
    "verify_upload",
]

_PREFIX = "Tidak dapat diperiksa: "
#: Most candidate prefixes hashed per file: far above any commitment's revision count.
_MAX_CANDIDATES = 400
_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*0\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]")


def format_wib(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """``24-10-2019 10.15 WIB`` (empty for None): :func:`signing.dates.moment_text`."""
    return moment_text(moment, seconds=seconds)


class Verdict(enum.StrEnum):
    VALID_COMPLETE = "valid_complete"
    VALID_INCOMPLETE = "valid_incomplete"
    MODIFIED = "modified"
    NOT_ISSUED_HERE = "not_issued_here"
    REVOKED = "revoked"
    VOID = "void"
    CANNOT_VERIFY = "cannot_verify"
    #: One of our print copies (no electronic signature left): the original is named instead.
    PRINT_COPY = "print_copy"

    @property
    def headline(self) -> str:
        return _HEADLINES[self]

    @property
    def exit_code(self) -> int:
        """0 valid, 1 not valid, 2 cannot be verified (``signing verify``)."""
        if self in (Verdict.VALID_COMPLETE, Verdict.VALID_INCOMPLETE):
            return 0
        if self in (Verdict.CANNOT_VERIFY, Verdict.PRINT_COPY):
            return 2
        return 1

    @property
    def is_valid(self) -> bool:
        return self.exit_code == 0


_HEADLINES = {
    Verdict.VALID_COMPLETE: "Sah dan lengkap",
    Verdict.VALID_INCOMPLETE: "Sah, belum lengkap",
    Verdict.MODIFIED: "Dokumen telah diubah setelah ditandatangani",
    Verdict.NOT_ISSUED_HERE: "Tidak diterbitkan oleh sistem ini",
    Verdict.REVOKED: "Tidak sah: sertifikat penanda tangan dicabut",
    Verdict.VOID: "Tidak berlaku: komitmen telah dibatalkan",
    Verdict.CANNOT_VERIFY: "Tidak dapat diperiksa",
    Verdict.PRINT_COPY: "Salinan cetak dokumen yang diterbitkan sistem ini",
}

_KIND_LABELS = {
    "seal": "Segel instansi",
    "sign": "Tanda tangan",
    "paraf": "Paraf",
    "witness": "Saksi",
    "timestamp": "Cap waktu dokumen",
}


def capacity_label(capacity: Capacity | str | None) -> str:
    if capacity is None:
        return ""
    capacity = Capacity(capacity)
    if capacity is Capacity.HOLDER:
        return "Pemegang jabatan"
    if capacity is Capacity.STAND_IN:
        return "Mewakili (paraf saja, tanpa mandat)"
    return {"plt": "Plt. (Pelaksana Tugas)", "plh": "Plh. (Pelaksana Harian)", "an": "a.n."}[
        capacity.value
    ]


def act_kind_label(kind: str | None) -> str:
    return _KIND_LABELS.get(kind or "", "Tidak tercatat di sistem ini")


def _attests_label(act: Act) -> str | None:
    target = act.attests
    if target is None:
        return None
    office = f" ({target.actor_office_title})" if target.actor_office_title else ""
    return f"menyaksikan {ActKind(target.kind).label.lower()} {target.actor_name}{office}"


def _slot_label(act: Act) -> str:
    if act.slot is not None:
        return act.slot.role.label
    return "Segel instansi" if act.kind == ActKind.SEAL else ""


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SignatureView:
    """One signature of the file: pyHanko's judgement and, when it is ours, our record of it."""

    field_name: str
    #: "sign", "paraf", "witness", "seal", "timestamp"; None when our records do not know it.
    kind: str | None
    kind_label: str
    recorded: bool
    act_id: int | None
    #: From our records (fall back to the certificate for unrecorded signatures).
    name: str | None
    office: str | None
    capacity: str | None
    capacity_label: str
    slot_label: str
    attests: str | None
    recorded_at: dt.datetime | None
    #: From the PDF.
    certificate_name: str | None
    certificate_office: str | None
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    intact: bool
    trusted: bool
    revoked: bool
    ok: bool
    problem: str | None
    modification_level: str | None
    coverage: str | None
    signed_revision: int | None

    @property
    def certificate_status(self) -> str:
        if self.revoked:
            return "Dicabut"
        if not self.trusted:
            return "Tidak terpercaya (bukan CA aplikasi ini)"
        return "Terpercaya (CA aplikasi ini)"

    def as_dict(self) -> dict[str, Any]:
        return {
            "field_name": self.field_name,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "recorded": self.recorded,
            "name": self.name,
            "office": self.office,
            "capacity": self.capacity,
            "capacity_label": self.capacity_label,
            "slot": self.slot_label or None,
            "attests": self.attests,
            "recorded_at": _iso(self.recorded_at),
            "certificate_name": self.certificate_name,
            "certificate_office": self.certificate_office,
            "certificate_status": self.certificate_status,
            "signing_time": _iso(self.signing_time),
            "timestamp_time": _iso(self.timestamp_time),
            "intact": self.intact,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "ok": self.ok,
            "problem": self.problem,
            "modification_level": self.modification_level,
            "coverage": self.coverage,
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    #: The answer shown first: the headline, with the reason for "Tidak dapat diperiksa: ...".
    message: str
    #: Further plain-Indonesian lines (why, which revision, what is missing).
    details: tuple[str, ...]
    sha256: str
    size: int
    signatures: tuple[SignatureView, ...]
    issued_here: bool
    #: Set when the file (or its signed part) is one of our documents.
    commitment_id: int | None = None
    commitment_code: str | None = None
    commitment_number: str | None = None
    region_name: str | None = None
    #: Revision of ours this copy was made from, and our newest one.
    revision_sequence: int | None = None
    latest_sequence: int | None = None
    is_latest: bool | None = None
    #: The file is byte for byte one of our revisions.
    exact_copy: bool = False
    #: The document itself (this copy) carries every act needed for completion.
    copy_complete: bool = False
    has_lta: bool = False
    #: Signature slots still open in this copy ("Bupati/Wali Kota: tanda tangan").
    outstanding: tuple[str, ...] = ()
    #: Set when the file is (or claims to be) one of our print copies.
    print_copy: PrintCopyMatch | None = None
    #: The named commitment's status today (for a print copy, whose paper cannot tell).
    current_status: str | None = None
    report: VerificationReport | None = field(default=None, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    @property
    def is_valid(self) -> bool:
        return self.verdict.is_valid

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "message": self.message,
            "valid": self.is_valid,
            "exit_code": self.exit_code,
            "details": list(self.details),
            "sha256": self.sha256,
            "size": self.size,
            "issued_here": self.issued_here,
            "commitment": None
            if self.commitment_id is None
            else {
                "code": self.commitment_code,
                "number": self.commitment_number,
                "region": self.region_name,
            },
            "revision": self.revision_sequence,
            "latest_revision": self.latest_sequence,
            "is_latest": self.is_latest,
            "exact_copy": self.exact_copy,
            "complete": self.copy_complete,
            "has_lta": self.has_lta,
            "outstanding": list(self.outstanding),
            "print_copy": None
            if self.print_copy is None
            else {
                "recorded": self.print_copy.recorded,
                "issued_at": _iso(self.print_copy.issued_at),
                "original_sha256": self.print_copy.original_sha256,
                "revision": self.print_copy.revision_sequence,
            },
            "current_status": self.current_status,
            "signatures": [s.as_dict() for s in self.signatures],
        }


# ---------------------------------------------------------------------- the file's prefixes


def candidate_prefixes(pdf: bytes) -> dict[str, int]:
    """SHA-256 of the file up to every offset where a revision may end -> that offset.

    Ends of revisions: after each ``%%EOF`` (with or without its end-of-line) and at the end of
    every ``/ByteRange``. One pass over the file (hash objects are copied at each offset), so a
    20 MB upload costs one SHA-256 of 20 MB whatever the number of markers.
    """
    ends: set[int] = {len(pdf)}
    for match in _EOF.finditer(pdf):
        ends.add(match.start() + 5)
        if match.group(1):
            ends.add(match.end())
        if len(ends) > _MAX_CANDIDATES:
            break
    for match in _BYTE_RANGE.finditer(pdf):
        end = int(match.group(2)) + int(match.group(3))
        if 0 < end <= len(pdf):
            ends.add(end)
        if len(ends) > 2 * _MAX_CANDIDATES:
            break
    result: dict[str, int] = {}
    digest = hashlib.sha256()
    position = 0
    view = memoryview(pdf)
    for end in sorted(ends):
        digest.update(view[position:end])
        position = end
        result[digest.copy().hexdigest()] = end
    return result


def _matching_revisions(db_session: Session, hashes: Iterable[str]) -> list[Revision]:
    hashes = list(hashes)
    found: list[Revision] = []
    for start in range(0, len(hashes), 200):
        chunk = hashes[start : start + 200]
        found += db_session.execute(sa.select(Revision).where(Revision.sha256.in_(chunk))).scalars()
    return found


def _load_commitment(db_session: Session, commitment_id: int) -> Commitment:
    """The commitment with what the verdict reads of it, loaded at once.

    Fewer relations than :func:`~signing.commitments.loading.load_commitment` (which also
    serves the public page: the event, each slot's acts and office holders): 7 statements
    instead of 12, ~2 ms of a verification on SQLite.
    """
    commitment = db_session.execute(
        sa.select(Commitment)
        .where(Commitment.id == commitment_id)
        .options(
            selectinload(Commitment.region),
            selectinload(Commitment.revisions),
            selectinload(Commitment.acts).selectinload(Act.slot),
            selectinload(Commitment.acts).selectinload(Act.attests),
            selectinload(Commitment.slots),
        )
    ).scalar_one_or_none()
    if commitment is None:
        raise LookupError(commitment_id)
    return commitment


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
        slot_label=_slot_label(act) if act is not None else "",
        attests=_attests_label(act) if act is not None else None,
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


@dataclass(frozen=True)
class _Records:
    """What our records say about the file's bytes, before (and whatever) pyHanko says."""

    #: SHA-256 of each candidate prefix -> its length (see :func:`candidate_prefixes`).
    prefixes: dict[str, int]
    #: Our revision this copy was made from (the longest matching prefix), and its commitment.
    revision: Revision | None = None
    commitment: Commitment | None = None


def _records(db_session: Session, pdf: bytes) -> _Records:
    prefixes = candidate_prefixes(pdf) if pdf else {}
    matches = _matching_revisions(db_session, prefixes) if prefixes else []
    if not matches:
        return _Records(prefixes)
    # The longest prefix is the revision this copy was made from.
    revision = max(matches, key=lambda r: (prefixes[r.sha256], r.sequence))
    commitment = _load_commitment(db_session, revision.commitment_id)
    revisions = [r for r in commitment.revisions if r.sha256 == revision.sha256]
    return _Records(prefixes, max(revisions, key=lambda r: r.sequence), commitment)


def interpret(db_session: Session, pdf: bytes, report: VerificationReport) -> VerificationResult:
    """Join pyHanko's ``report`` on ``pdf`` with our records and reach the verdict."""
    pdf = bytes(pdf)
    return _judge(pdf, report, _records(db_session, pdf))


def _judge(pdf: bytes, report: VerificationReport, records: _Records) -> VerificationResult:
    base: dict[str, Any] = {"sha256": report.sha256, "size": len(pdf), "report": report}
    details: list[str] = []

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
        return VerificationResult(
            verdict=Verdict.CANNOT_VERIFY,
            message=report.error,
            details=tuple(details),
            signatures=(),
            issued_here=commitment is not None,
            **base,
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
        message = _PREFIX + "dokumen tidak memiliki tanda tangan elektronik."
        return VerificationResult(
            verdict=Verdict.CANNOT_VERIFY,
            message=message,
            details=(
                "Hanya dokumen yang ditandatangani secara elektronik yang dapat diperiksa. "
                "Salinan cetak (dengan lembar verifikasi) tidak lagi memuat tanda tangan "
                "elektronik: periksa dokumen aslinya, atau cocokkan SHA-256 pada lembar "
                "verifikasi dengan halaman kode QR.",
            ),
            issued_here=commitment is not None,
            **base,
        )

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
        return VerificationResult(
            verdict=Verdict.MODIFIED,
            message=Verdict.MODIFIED.headline,
            details=tuple(details),
            issued_here=commitment is not None,
            **base,
        )

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
        return VerificationResult(
            verdict=Verdict.NOT_ISSUED_HERE,
            message=Verdict.NOT_ISSUED_HERE.headline,
            details=tuple(details),
            issued_here=False,
            **base,
        )

    assert revision is not None
    if any(v.revoked for v in views):
        return VerificationResult(
            verdict=Verdict.REVOKED,
            message=Verdict.REVOKED.headline,
            details=tuple(details),
            issued_here=True,
            **base,
        )
    if not report.valid:
        # Every remaining failure is pyHanko's: never call the file valid. Intact signatures of
        # ours that no longer validate (an expired certificate, a replaced CA) are a matter of
        # trust, not of tampering.
        failing = [v for v in views if not v.ok]
        if failing and all(v.intact and not v.trusted for v in failing):
            message = _PREFIX + "sertifikat penanda tangan tidak dapat divalidasi saat ini."
            return VerificationResult(
                verdict=Verdict.CANNOT_VERIFY,
                message=message,
                details=tuple(details),
                issued_here=True,
                **base,
            )
        return VerificationResult(
            verdict=Verdict.MODIFIED,
            message=Verdict.MODIFIED.headline,
            details=tuple(details),
            issued_here=True,
            **base,
        )

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
        return VerificationResult(
            verdict=Verdict.VOID,
            message=Verdict.VOID.headline,
            details=tuple(details),
            issued_here=True,
            **base,
        )
    if any(a.kind == ActKind.DECLINE for a in commitment.acts):
        details.append("Salah satu pihak menolak menandatangani komitmen ini.")
    verdict = Verdict.VALID_INCOMPLETE if outstanding else Verdict.VALID_COMPLETE
    if outstanding:
        details.extend(outstanding)
    return VerificationResult(
        verdict=verdict,
        message=verdict.headline,
        details=tuple(details),
        issued_here=True,
        **base,
    )


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
    from signing.pki import service as pki

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
        return interpret(db_session, pdf, _unverifiable(pdf, problem))
    with admitted(app, address):
        return _verify_admitted(db_session, pdf, app, limits)


def _verify_admitted(
    db_session: Session, pdf: bytes, app: Flask, limits: Limits | None
) -> VerificationResult:
    from signing.pki.errors import PkiError

    try:
        roots, crls, others = _trust_material(db_session, app)
    except PkiError as error:
        report = _unverifiable(pdf, f"CA aplikasi tidak tersedia ({error}).")
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
        records = _records(db_session, pdf)
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
    from signing.workflow.status import commitment_status  # as in public_status below

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
        message=Verdict.PRINT_COPY.headline,
        details=tuple(details),
        issued_here=True,
        **named,
    )


def _unverifiable(pdf: bytes, message: str) -> VerificationReport:
    text = _PREFIX + message
    return VerificationReport(
        valid=False,
        error=text,
        signatures=(),
        has_lta=False,
        revision_count=None,
        sha256=hashlib.sha256(pdf).hexdigest(),
        problems=(text,),
    )


# ---------------------------------------------------------------------------- the QR page


@dataclass(frozen=True)
class PublicParty:
    slot_label: str
    office_title: str
    #: Who signed (or declined), else the office's current holder (whose act is awaited).
    name: str
    state_label: str
    is_witness: bool
    #: Who initialled for the holder, or the capacity of a stand-in who signed.
    note: str | None = None


@dataclass(frozen=True)
class PublicAct:
    kind_label: str
    name: str
    office: str | None
    capacity_label: str
    slot_label: str
    time_wib: str
    attests: str | None = None


@dataclass(frozen=True)
class PublicStatus:
    """What the QR landing page may show: nothing from the audit trail, no IPs, no reasons."""

    code: str
    number: str
    region_name: str
    province_name: str
    event_name: str
    event_date: dt.date
    event_place: str
    state: str
    state_label: str
    is_complete: bool
    is_void: bool
    completed_at: str
    voided_at: str
    parties: tuple[PublicParty, ...]
    acts: tuple[PublicAct, ...]
    #: SHA-256 of the current signed PDF, to compare with a copy; None before generation.
    current_sha256: str | None
    revision_count: int
    replaced_by_code: str | None = None


def public_status(db_session: Session, code: str) -> PublicStatus | None:
    """The public status of the commitment with this code, or None."""
    from signing.workflow.status import commitment_status

    commitment = load_commitment(db_session, code=code)
    if commitment is None:
        return None
    status = commitment_status(commitment)
    parties = []
    for slot in commitment.slots:
        slot_state = status.slots[slot.role]
        holder = slot.office.current_holder
        name = holder.name if holder else "-"
        note = None
        done = slot_state.witness_act or slot_state.sign_act or slot_state.decline_act
        if done is not None:
            name = done.actor_name
            if Capacity(done.capacity) is not Capacity.HOLDER:
                note = capacity_label(done.capacity)
                if done.actor_office_title:
                    note += f", {done.actor_office_title}"
        elif slot_state.paraf_act is not None:
            paraf = slot_state.paraf_act
            note = f"Diparaf oleh {paraf.actor_name}"
            if paraf.actor_office_title:
                note += f" ({paraf.actor_office_title})"
        parties.append(
            PublicParty(
                slot_label=slot.role.label,
                office_title=slot.office.title,
                name=name,
                state_label=_public_slot_state(slot_state.state.value, slot.role.is_witness),
                is_witness=slot.role.is_witness,
                note=note,
            )
        )
    acts = [
        PublicAct(
            kind_label=ActKind(act.kind).label,
            name=act.actor_name,
            office=act.actor_office_title,
            capacity_label="" if act.kind == ActKind.SEAL else capacity_label(act.capacity),
            slot_label=_slot_label(act),
            time_wib=format_wib(act.created_at),
            attests=_attests_label(act),
        )
        for act in commitment.acts
    ]
    replaced_by = db_session.execute(
        sa.select(Commitment.code).where(Commitment.replaces_id == commitment.id)
    ).scalar_one_or_none()
    return PublicStatus(
        code=commitment.code,
        number=commitment.number,
        region_name=commitment.region.name,
        province_name=commitment.event.province.name if commitment.event.province else "",
        event_name=commitment.event.name,
        event_date=commitment.event.date,
        event_place=commitment.event.place,
        state=status.state.value,
        state_label=status.state.label,
        is_complete=status.is_complete,
        is_void=commitment.is_void,
        completed_at=format_wib(commitment.completed_at),
        voided_at=format_wib(commitment.voided_at),
        parties=tuple(parties),
        acts=tuple(acts),
        current_sha256=commitment.current_sha256,
        revision_count=len(commitment.revisions),
        replaced_by_code=replaced_by,
    )


def _public_slot_state(state: str, is_witness: bool) -> str:
    if is_witness:
        return {"signed": "Sudah bersaksi", "pending": "Belum bersaksi"}.get(state, state)
    return {
        "signed": "Sudah ditandatangani",
        "paraf_only": "Baru diparaf; tanda tangan masih ditunggu",
        "pending": "Belum ditandatangani",
        "declined": "Menolak menandatangani",
    }[state]
