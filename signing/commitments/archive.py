"""Archive renewal: keep complete records verifiable offline for years (PAdES B-LTA).

A validator checks a document's newest document time stamp at the present time, and everything
before it in the past, with the proof of existence that stamp gives. Once the newest stamp's TSA
certificate or its revocation data (the root CRL for our TSA) expires, nothing proves the chain
any more; :func:`renew` adds a fresh stamp, with fresh revocation data in its revision, before
that happens. Operations here never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.storage import TIMESTAMPED, current_pdf, store_revision
from signing.db import utcnow
from signing.models import Commitment
from signing.pades.archive import archive_horizon
from signing.pki import service as pki

__all__ = ["ArchiveCheck", "DEFAULT_BEFORE_DAYS", "due_records", "renew"]

#: Renew when the newest stamp has less than this left (the timer runs daily: a wide margin).
DEFAULT_BEFORE_DAYS = 60


@dataclass(frozen=True)
class ArchiveCheck:
    commitment: Commitment
    #: When the newest document time stamp stops being verifiable offline (None: no stamp).
    horizon: dt.datetime | None
    due: bool


def due_records(
    db_session: Session,
    *,
    before_days: int = DEFAULT_BEFORE_DAYS,
    everything: bool = False,
    now: dt.datetime | None = None,
) -> Iterator[ArchiveCheck]:
    """Every complete, not voided record with its horizon and whether it is due for renewal
    (``everything``: all of them are)."""
    now = now or utcnow()
    limit = now + dt.timedelta(days=before_days)
    rows = db_session.execute(
        sa.select(Commitment)
        .where(Commitment.completed_at.is_not(None), Commitment.voided_at.is_(None))
        .order_by(Commitment.id)
    ).scalars()
    for commitment in rows:
        horizon = archive_horizon(current_pdf(db_session, commitment))
        due = everything or horizon is None or horizon <= limit
        yield ArchiveCheck(commitment, horizon, due)


def renew(db_session: Session, commitment: Commitment, *, actor: Any = "cli") -> str:
    """Add a document time stamp with fresh revocation data to ``commitment``'s current PDF,
    store it as a new revision and audit it; returns the new revision's SHA-256.

    :raises PadesError: the time stamp could not be made.
    """
    before = commitment.current_sha256
    stamped = pki.document_timestamp(db_session, current_pdf(db_session, commitment))
    revision = store_revision(db_session, commitment, stamped, TIMESTAMPED)
    db_session.flush()
    horizon = archive_horizon(stamped)
    audit.record_on_commitment(
        db_session,
        "commitment.archive_renew",
        commitment,
        actor=actor,
        sha256_before=before,
        sha256_after=revision.sha256,
        details={
            "number": commitment.number,
            "verifiable_until": horizon.isoformat() if horizon else None,
        },
    )
    return revision.sha256
