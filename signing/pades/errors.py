"""Errors of the PAdES layer; messages are Indonesian (views show them as they are)."""


class PadesError(Exception):
    """Base class of signing errors raised by :mod:`signing.pades`."""


class FieldMissing(PadesError):
    """The named signature field does not exist in the document."""


class FieldAlreadySigned(PadesError):
    """The named signature field already holds a signature."""
