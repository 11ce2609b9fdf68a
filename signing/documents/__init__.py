"""The commitment document: content, layout, rendering (reportlab) and page previews."""

from .content import (
    ALL_SLOTS,
    DEFAULT_CONSIDERATIONS,
    DEFAULT_LEGAL_BASES,
    DEFAULT_POINTS,
    PARTY_SLOTS,
    WITNESS_SLOTS,
    CommitmentContent,
    Party,
    format_hari_tanggal,
    format_tanggal,
    paraf_field_name,
    signature_field_name,
)
from .layout import FieldBox
from .render import DocumentLayoutError, RenderedDocument, render_commitment

__all__ = [
    "ALL_SLOTS",
    "DEFAULT_CONSIDERATIONS",
    "DEFAULT_LEGAL_BASES",
    "DEFAULT_POINTS",
    "PARTY_SLOTS",
    "WITNESS_SLOTS",
    "CommitmentContent",
    "DocumentLayoutError",
    "FieldBox",
    "Party",
    "RenderedDocument",
    "format_hari_tanggal",
    "format_tanggal",
    "paraf_field_name",
    "render_commitment",
    "signature_field_name",
]
