"""PDF revisions of a commitment: immutable, content-addressed blobs plus an ordered chain.

A revision's ``parent_sha256`` is the revision it extends (an incremental update of the PDF);
a "generated" revision starts a new chain (a regenerated document is not an update of the
previous one). ``Commitment.current_sha256`` always names the newest revision.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing.commitments.errors import BlobCorrupted, DocumentNotGenerated, RevisionNotFound
from signing.db import utcnow
from signing.models import Act, Blob, Commitment, Revision

#: Label of the first revision of a (re)generated document.
GENERATED = "generated"
SEALED = "sealed"


def store_blob(db_session: Session, data: bytes) -> str:
    """Store ``data`` once under its SHA-256 and return the hash."""
    sha256 = hashlib.sha256(data).hexdigest()
    exists = db_session.execute(
        sa.select(Blob.sha256).where(Blob.sha256 == sha256)
    ).scalar_one_or_none()
    if exists is None:
        db_session.add(Blob(sha256=sha256, size=len(data), data=data))
        db_session.flush()
    return sha256


def store_revision(
    db_session: Session,
    commitment: Commitment,
    pdf: bytes,
    label: str,
    act: Act | None = None,
) -> Revision:
    """Append ``pdf`` as the commitment's newest revision and point the commitment at it."""
    sha256 = store_blob(db_session, pdf)
    last = db_session.execute(
        sa.select(sa.func.max(Revision.sequence)).where(Revision.commitment_id == commitment.id)
    ).scalar_one_or_none()
    revision = Revision(
        commitment_id=commitment.id,
        sequence=(last or 0) + 1,
        sha256=sha256,
        parent_sha256=None if label == GENERATED else commitment.current_sha256,
        label=label,
        act_id=act.id if act is not None else None,
        created_at=utcnow(),
    )
    db_session.add(revision)
    commitment.current_sha256 = sha256
    if label == GENERATED:
        commitment.generated_at = revision.created_at
    db_session.flush()
    return revision


def _load(db_session: Session, sha256: str) -> bytes:
    query = sa.select(Blob.data).where(Blob.sha256 == sha256)
    data = db_session.execute(query).scalar_one_or_none()
    if data is None:
        raise RevisionNotFound(f"Berkas {sha256[:12]}... tidak ada di penyimpanan.")
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BlobCorrupted(f"Berkas {sha256[:12]}... rusak: isinya tidak cocok dengan hash-nya.")
    return data


def current_pdf(db_session: Session, commitment: Commitment) -> bytes:
    """The newest revision's bytes (hash checked).

    :raises DocumentNotGenerated: nothing generated yet.
    :raises BlobCorrupted: the stored bytes do not match their hash.
    """
    if commitment.current_sha256 is None:
        raise DocumentNotGenerated(commitment.number)
    return _load(db_session, commitment.current_sha256)


def revision_pdf(db_session: Session, commitment: Commitment, sha256: str) -> bytes:
    """The bytes of one of this commitment's revisions.

    :raises RevisionNotFound: ``sha256`` is not a revision of this commitment.
    """
    known = db_session.execute(
        sa.select(Revision.id).where(
            Revision.commitment_id == commitment.id, Revision.sha256 == sha256
        )
    ).first()
    if known is None:
        raise RevisionNotFound(f"Revisi {sha256[:12]}... bukan milik dokumen {commitment.number}.")
    return _load(db_session, sha256)
