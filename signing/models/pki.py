"""Officials' signing certificates and their encrypted private keys."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from signing.db import Base, utcnow

if TYPE_CHECKING:
    from signing.models.users import User


class CertificateStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    #: Replaced by re-enrolment (a new passphrase keeps the key; a new key revokes the old).
    SUPERSEDED = "superseded"


class SigningCertificate(Base):
    __tablename__ = "signing_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Hex serial number, as in the CRL.
    serial: Mapped[str] = mapped_column(sa.String(64), unique=True)
    subject: Mapped[str] = mapped_column(sa.String(500))
    certificate_pem: Mapped[str] = mapped_column(sa.Text)
    #: Private key encrypted with a key derived from the official's signing passphrase
    #: (self-describing blob: KDF parameters, salt, nonce, AEAD ciphertext). Never in clear.
    encrypted_key: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    key_kind: Mapped[str] = mapped_column(sa.String(20), default="rsa2048")
    status: Mapped[CertificateStatus] = mapped_column(
        sa.Enum(CertificateStatus, native_enum=False, length=20), default=CertificateStatus.ACTIVE
    )
    not_before: Mapped[dt.datetime]
    not_after: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(sa.String(100))

    user: Mapped[User] = relationship()
