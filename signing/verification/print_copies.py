"""Recognising this system's own print copy ("salinan cetak") when it is uploaded for checking.

A print copy (:mod:`signing.printing.copy`) is the signed document flattened, plus a
verification sheet: it has no electronic signature left, so pyHanko can only say "nothing to
check". Left at that, the page answered "Diterbitkan sistem ini: Tidak" for a copy the system
itself made, which makes an auditor suspect a forgery.

Every print copy therefore ends with one PDF comment line naming the original (code and SHA-256
of the signed revision it was made from), and every print copy handed out is on the audit log
with the SHA-256 of its own bytes. A copy is recognised only when both agree: the marker names
one of our revisions, and these exact bytes were issued as a copy of it. A file that carries
the marker but not the recorded bytes (an edited copy, a marker pasted onto another file) is
named as such, never as ours.

The marker is found by a plain byte search in the file's tail: nothing here parses the upload
(that only happens in the verification child process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.models import AuditEntry, Commitment

__all__ = [
    "PRINT_COPY_ACTION",
    "PrintCopyMatch",
    "marker_line",
    "read_marker",
    "recognise_print_copy",
]

#: Audit action of a print copy handed out (web download or ``signing print --copy``).
PRINT_COPY_ACTION = "print.copy"
#: The key in the audit entry's details holding the SHA-256 of the copy's own bytes.
COPY_SHA256 = "copy_sha256"
_MARKER = re.compile(rb"%SigningSalinanCetak code=([0-9A-Za-z-]{1,40}) sha256=([0-9a-f]{64})\r?\n")
#: The marker is the file's last line; a little slack for a trailing newline or two.
_TAIL = 512


def marker_line(code: str, original_sha256: str) -> bytes:
    """The comment line appended after the print copy's ``%%EOF`` (readers ignore it)."""
    return f"%SigningSalinanCetak code={code} sha256={original_sha256}\n".encode("ascii")


def read_marker(pdf: bytes) -> tuple[str, str] | None:
    """(code, SHA-256 of the original) from a print copy's marker, or ``None``."""
    match = _MARKER.search(pdf[-_TAIL:])
    if match is None:
        return None
    return match.group(1).decode("ascii"), match.group(2).decode("ascii")


@dataclass(frozen=True)
class PrintCopyMatch:
    """What the marker and our records say about an uploaded print copy."""

    commitment_id: int
    code: str
    number: str
    region_name: str
    #: The revision the copy was made from, and our newest one.
    revision_sequence: int
    latest_sequence: int
    original_sha256: str
    #: When these exact bytes were handed out as a print copy; ``None``: never (not ours).
    issued_at: dt.datetime | None
    is_void: bool

    @property
    def recorded(self) -> bool:
        return self.issued_at is not None

    @property
    def is_latest(self) -> bool:
        return self.revision_sequence == self.latest_sequence


def recognise_print_copy(db_session: Session, pdf: bytes) -> PrintCopyMatch | None:
    """The print copy ``pdf`` claims to be, checked against our records; ``None`` if it makes
    no such claim or names no revision of ours."""
    marker = read_marker(pdf)
    if marker is None:
        return None
    code, original_sha256 = marker
    commitment = db_session.execute(
        sa.select(Commitment).where(Commitment.code == code)
    ).scalar_one_or_none()
    if commitment is None:
        return None
    sequences = [r.sequence for r in commitment.revisions if r.sha256 == original_sha256]
    if not sequences:
        return None
    copy_sha256 = hashlib.sha256(pdf).hexdigest()
    issued_at = None
    for entry in db_session.execute(
        sa.select(AuditEntry)
        .where(
            AuditEntry.commitment_id == commitment.id,
            AuditEntry.action == PRINT_COPY_ACTION,
        )
        .order_by(AuditEntry.id)
    ).scalars():
        if (entry.details or {}).get(COPY_SHA256) == copy_sha256:
            issued_at = entry.created_at
            break
    return PrintCopyMatch(
        commitment_id=commitment.id,
        code=commitment.code,
        number=commitment.number,
        region_name=commitment.region.name,
        revision_sequence=max(sequences),
        latest_sequence=max(r.sequence for r in commitment.revisions),
        original_sha256=original_sha256,
        issued_at=issued_at,
        is_void=commitment.is_void,
    )
