"""Domain errors of commitment generation and storage; messages are Indonesian.

:class:`GenerationRefused` names its refusal in the catalogue (:mod:`signing.workflow.refusals`).
"""

from __future__ import annotations

from signing.workflow.refusals import CarriesRefusal


class CommitmentError(Exception):
    """Base class of the errors of :mod:`signing.commitments`."""


class GenerationError(CommitmentError):
    """A commitment could not be generated (the region is named in the message)."""


class MissingOffice(GenerationError):
    def __init__(self, office_label: str, region_name: str) -> None:
        self.office_label = office_label
        self.region_name = region_name
        super().__init__(f"Jabatan {office_label} untuk {region_name} belum terdaftar.")


class MissingHolder(GenerationError):
    """An office of the commitment has no current holder (and no Plt./Plh. mandate)."""

    def __init__(self, office_title: str, region_name: str) -> None:
        self.office_title = office_title
        self.region_name = region_name
        super().__init__(
            f"{region_name}: jabatan {office_title} belum ada pejabatnya. "
            "Catat pejabatnya (atau mandat Plt./Plh.) lalu buat ulang dokumen ini."
        )


class GenerationRefused(GenerationError, CarriesRefusal):
    """The state of the commitment or event forbids the operation.

    Raised with its catalogue entry: ``GenerationRefused(refusal="replaced", number=..., ...)``.
    """

    def __init__(self, *, refusal: str, **params: object) -> None:
        super().__init__(refusal=refusal, **params)


class EventTextLocked(GenerationRefused):
    """The event's text cannot change: someone has acted on one of its documents."""


class StorageError(CommitmentError):
    pass


class DocumentNotGenerated(StorageError):
    def __init__(self, number: str) -> None:
        super().__init__(f"Dokumen {number} belum dibuat.")


class RevisionNotFound(StorageError):
    pass


class BlobCorrupted(StorageError):
    """Stored bytes no longer match their SHA-256: the storage was altered."""
