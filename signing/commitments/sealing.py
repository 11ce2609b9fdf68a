"""The generated document and its seal: render, add every field, certify with the office seal.

Each generated document goes through stored revisions: ``generated`` (the rendered PDF with
all eight signature fields, deterministic), ``sealed`` (the office's certification signature,
DocMDP FILL_FORMS) and ``timestamped`` (a document time stamp over the seal: B-LTA). The seal
is recorded as an :class:`~signing.models.Act` of kind SEAL without a slot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from signing import audit
from signing.commitments.content import build_content
from signing.commitments.errors import GenerationError
from signing.commitments.storage import GENERATED, SEALED, TIMESTAMPED, store_revision
from signing.db import begin_write, utcnow
from signing.documents.content import PARTY_SLOTS, paraf_field_name, signature_field_name
from signing.documents.render import DocumentLayoutError, render_commitment
from signing.models import Act, ActKind, Capacity, Commitment
from signing.pades.errors import PadesError
from signing.pades.fields import add_signature_fields
from signing.pades.sign import seal_document
from signing.pki import service as pki
from signing.pki.errors import PkiError

__all__ = ["FIELD_LOCKS", "SEAL_FIELD", "render_and_seal", "render_fielded", "start_writing"]

#: Name of the invisible field pyHanko creates for the office seal.
SEAL_FIELD = "Segel"

#: Each party's signature locks that party's paraf field (FieldMDP, made with the fields,
#: before the seal). A paraf after the party's own signature is refused by the rules anyway;
#: the lock makes it visible in the document too, so that a complete commitment, where every
#: signature and witness field is filled, has no field left that can be signed unseen
#: (docs/record-integrity.md).
FIELD_LOCKS: dict[str, tuple[str, ...]] = {
    signature_field_name(slot): (paraf_field_name(slot),) for slot in PARTY_SLOTS
}


def start_writing(db_session: Session) -> None:
    """Take SQLite's write lock up front when no transaction is open yet.

    A deferred SQLite transaction that reads and then writes fails at once if another process
    committed in between; callers already inside a transaction (the workflow locks the
    commitment first) keep theirs, since :func:`begin_write` would commit it.
    """
    if not db_session.in_transaction():
        begin_write(db_session)


def render_fielded(db_session: Session, commitment: Commitment) -> bytes:
    """The generated revision's bytes: rendered content plus every empty signature field.

    Deterministic: the same registry data and event text give the same bytes.
    """

    content = build_content(db_session, commitment)
    try:
        rendered = render_commitment(content)
        return add_signature_fields(rendered.pdf, rendered.fields, locks=FIELD_LOCKS)
    except (DocumentLayoutError, ValueError) as error:
        raise GenerationError(
            f"{commitment.region.name}: dokumen tidak dapat dibuat: {error}"
        ) from error


def _seal(
    db_session: Session,
    commitment: Commitment,
    pdf: bytes,
    actor: Any,
    on_generated: Callable[[str], None],
) -> bytes:
    """Certify ``pdf`` with the office seal and record the SEAL act and both revisions.

    ``on_generated(sha256)`` records the generation itself once its revision is stored, so the
    audit log (and the timeline read from it) says "generated" before "sealed", as it happened.
    """
    generated = store_revision(db_session, commitment, pdf, GENERATED)
    on_generated(generated.sha256)
    with pki.seal_signer() as signer:
        sealed = seal_document(
            pdf,
            signer,
            pki.timestamper(),
            validation_context=pki.validation_context(db_session),
            location=commitment.event.place,
        )
    act = Act(
        commitment_id=commitment.id,
        slot_id=None,
        kind=ActKind.SEAL,
        capacity=Capacity.HOLDER,
        actor_user_id=actor.id if _is_user(actor) else None,
        actor_name=current_app.config["INSTITUTION"],
        field_name=SEAL_FIELD,
        sha256_before=generated.sha256,
        created_at=utcnow(),
    )
    db_session.add(act)
    db_session.flush()
    revision = store_revision(db_session, commitment, sealed, SEALED, act=act)
    act.sha256_after = revision.sha256
    # The copy handed out from now on is B-LTA: a document time stamp over the seal with the
    # seal's revocation data (see docs/long-term-validation.md).
    stamped = pki.document_timestamp(db_session, sealed, [pki.get_ca().seal_cert])
    store_revision(db_session, commitment, stamped, TIMESTAMPED)
    db_session.flush()
    audit.record_on_commitment(
        db_session,
        "commitment.seal",
        commitment,
        actor=actor,
        sha256_before=generated.sha256,
        sha256_after=revision.sha256,
        details={"act_id": act.id, "number": commitment.number},
    )
    return sealed


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and hasattr(actor, "id")


def render_and_seal(
    db_session: Session,
    commitment: Commitment,
    actor: Any,
    *,
    action: str,
    details: dict[str, Any],
    sha256_before: str | None = None,
) -> None:
    """Render, field and seal ``commitment``, auditing the generation as ``action``.

    :raises GenerationError: rendering or sealing failed.
    """
    pdf = render_fielded(db_session, commitment)

    def record_generation(sha256: str) -> None:
        audit.record_on_commitment(
            db_session,
            action,
            commitment,
            actor=actor,
            sha256_before=sha256_before,
            sha256_after=sha256,
            details=details,
        )

    try:
        _seal(db_session, commitment, pdf, actor, record_generation)
    except (PkiError, PadesError) as error:
        raise GenerationError(f"{commitment.region.name}: segel dokumen gagal: {error}") from error
