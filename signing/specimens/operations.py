"""Store, remove and look up specimens. Operations: they add to the session, never commit."""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signing import audit
from signing.db import utcnow
from signing.models import ActKind, Specimen, SpecimenKind, User

from .images import prepare_specimen

__all__ = ["SPECIMEN_FOR_ACT", "remove_specimen", "specimen_for", "store_specimen"]

#: Which specimen each kind of mark shows.
SPECIMEN_FOR_ACT = {
    ActKind.SIGN: SpecimenKind.SIGNATURE,
    ActKind.WITNESS: SpecimenKind.SIGNATURE,
    ActKind.PARAF: SpecimenKind.PARAF,
}


def _find(db_session: Session, user: User, kind: SpecimenKind) -> Specimen | None:
    return db_session.execute(
        sa.select(Specimen).where(Specimen.user_id == user.id, Specimen.kind == kind)
    ).scalar_one_or_none()


def store_specimen(
    db_session: Session,
    user: User,
    kind: SpecimenKind | str,
    data: bytes,
    *,
    actor: Any,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Specimen:
    """Check ``data`` and store it as ``user``'s specimen of ``kind`` (replacing any older one).

    :raises SpecimenRejected: the file is refused; nothing is changed.
    """
    kind = SpecimenKind(kind)
    png, width, height = prepare_specimen(data)
    specimen = _find(db_session, user, kind)
    previous = specimen.sha256 if specimen is not None else None
    if specimen is None:
        specimen = Specimen(user_id=user.id, kind=kind)
        db_session.add(specimen)
    specimen.png = png
    specimen.sha256 = hashlib.sha256(png).hexdigest()
    specimen.width, specimen.height = width, height
    specimen.uploaded_at = utcnow()
    db_session.flush()
    audit.record_about(
        db_session,
        "specimen.upload",
        user,
        actor=actor,
        ip=ip,
        user_agent=user_agent,
        details={
            "kind": kind.value,
            "sha256": specimen.sha256,
            "previous_sha256": previous,
            "uploaded_bytes": len(data),
            "size": [width, height],
        },
    )
    return specimen


def remove_specimen(
    db_session: Session, user: User, kind: SpecimenKind | str, *, actor: Any, ip: str | None = None
) -> bool:
    """Remove ``user``'s specimen of ``kind``; False when there was none."""
    kind = SpecimenKind(kind)
    specimen = _find(db_session, user, kind)
    if specimen is None:
        return False
    audit.record_about(
        db_session,
        "specimen.remove",
        user,
        actor=actor,
        ip=ip,
        details={"kind": kind.value, "sha256": specimen.sha256},
    )
    db_session.delete(specimen)
    db_session.flush()
    return True


def specimen_for(db_session: Session, user: User, kind: ActKind) -> bytes | None:
    """The PNG the mark of an act of ``kind`` shows beside its text, if the official has one."""
    wanted = SPECIMEN_FOR_ACT.get(ActKind(kind))
    if wanted is None:
        return None
    specimen = _find(db_session, user, wanted)
    return specimen.png if specimen is not None else None
