"""Specimens of handwritten signatures and parafs: checked, made transparent, stored."""

from .images import MAX_BYTES, SpecimenRejected, prepare_specimen
from .operations import SPECIMEN_FOR_ACT, remove_specimen, specimen_for, store_specimen

__all__ = [
    "MAX_BYTES",
    "SPECIMEN_FOR_ACT",
    "SpecimenRejected",
    "prepare_specimen",
    "remove_specimen",
    "specimen_for",
    "store_specimen",
]
