"""Small readers shared by the integration tests."""

from __future__ import annotations

import pypdfium2 as pdfium
import sqlalchemy as sa

from signing.models import AuditEntry, User


def user(db_session, username: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(User).where(User.username == username)).scalar_one()


def audit_actions(db_session, prefix: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    rows = db_session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    return [action for action in rows if action.startswith(prefix)]


def pdf_text(pdf: bytes) -> str:
    """All text of the PDF with every run of whitespace as one space."""
    doc = pdfium.PdfDocument(pdf)
    try:
        parts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        doc.close()
    return " ".join(" ".join(parts).split())
