"""What a verification answers: the verdict, each signature's view and the whole result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from signing.models.labels import LabelledEnum
from signing.pades.verify import VerificationReport

from .print_copies import PrintCopyMatch

__all__ = ["SignatureView", "Verdict", "VerificationResult"]


class Verdict(LabelledEnum):
    """The answer; its label is the headline shown first."""

    VALID_COMPLETE = "valid_complete", "Sah dan lengkap"
    VALID_INCOMPLETE = "valid_incomplete", "Sah, belum lengkap"
    MODIFIED = "modified", "Dokumen telah diubah setelah ditandatangani"
    NOT_ISSUED_HERE = "not_issued_here", "Tidak diterbitkan oleh sistem ini"
    REVOKED = "revoked", "Tidak sah: sertifikat penanda tangan dicabut"
    VOID = "void", "Tidak berlaku: komitmen telah dibatalkan"
    CANNOT_VERIFY = "cannot_verify", "Tidak dapat diperiksa"
    #: One of our print copies (no electronic signature left): the original is named instead.
    PRINT_COPY = "print_copy", "Salinan cetak dokumen yang diterbitkan sistem ini"

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
