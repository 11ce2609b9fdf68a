"""All models, imported here so that metadata (and Alembic) sees every table."""

from signing.models.audit import AuditCheckpoint, AuditEntry
from signing.models.commitments import (
    Act,
    ActKind,
    Blob,
    Capacity,
    Commitment,
    Mandate,
    MandateKind,
    Revision,
    Slot,
    SlotRole,
)
from signing.models.events import Event
from signing.models.mcp import BandScheme, McpScore
from signing.models.outbox import MailStatus, OutboxMail
from signing.models.pki import CertificateStatus, SigningCertificate
from signing.models.regions import Office, OfficeHolder, OfficeKind, Province, Region
from signing.models.users import (
    ApiToken,
    AuthSession,
    Notification,
    Role,
    Specimen,
    SpecimenKind,
    User,
)

__all__ = [
    "Act",
    "ActKind",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "AuthSession",
    "BandScheme",
    "Blob",
    "Capacity",
    "CertificateStatus",
    "Commitment",
    "Event",
    "MailStatus",
    "Mandate",
    "MandateKind",
    "McpScore",
    "Notification",
    "Office",
    "OfficeHolder",
    "OfficeKind",
    "OutboxMail",
    "Province",
    "Region",
    "Revision",
    "Role",
    "SigningCertificate",
    "Specimen",
    "SpecimenKind",
    "Slot",
    "SlotRole",
    "User",
]
