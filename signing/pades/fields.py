"""Empty signature fields on a rendered commitment (pyHanko).

Every field (party signatures, witnesses, paraf) is created in one incremental revision before
the first signature: a field added after a certification signature invalidates it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import (
    FieldMDPAction,
    FieldMDPSpec,
    SigFieldSpec,
    VisibleSigSettings,
    append_signature_field,
    enumerate_sig_fields,
)

from .appearance import placeholder_appearance

__all__ = [
    "ANNOT_FLAG_PRINT",
    "FieldPlacement",
    "SignatureFieldInfo",
    "add_signature_fields",
    "list_signature_fields",
    "signature_widget_flags",
]

#: Annotation flag bit 3 (PDF 32000-1, 12.5.3): without it the visible signature is not printed.
ANNOT_FLAG_PRINT = 4


class FieldPlacement(Protocol):
    """What a field needs: a name, a 0-based page and a rectangle (x1, y1, x2, y2) in points.

    :class:`signing.documents.FieldBox` has this shape; taking a protocol keeps reportlab out
    of this package.
    """

    @property
    def name(self) -> str: ...

    @property
    def page(self) -> int: ...

    @property
    def rect(self) -> tuple[float, float, float, float]: ...

    # Optional: ``placeholder``, the text the empty field shows (see add_signature_fields).


class SignatureFieldInfo(NamedTuple):
    """A signature field read back from a PDF."""

    name: str
    page: int
    rect: tuple[float, float, float, float]


class _StableWriter(IncrementalPdfFileWriter):
    """Incremental writer whose output depends only on its input and the fields added.

    pyHanko stamps the current time as /ModDate and a random second /ID on every revision;
    both would make two generations of the same document differ.
    """

    def _update_meta(self) -> None:
        info_ref = self.trailer.raw_get("/Info") if "/Info" in self.trailer else None
        original = None
        if info_ref is not None:
            original = info_ref.get_object().get("/ModDate")
        super()._update_meta()
        if self._info is not None:
            info = self._info.get_object()
            if original is not None:
                info["/ModDate"] = original
            else:
                info.pop("/ModDate", None)


def add_signature_fields(
    pdf: bytes,
    fields: Iterable[FieldPlacement],
    locks: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """Return ``pdf`` with one more revision holding an empty signature field per placement.

    Each widget carries the Print flag. A placement with a ``placeholder`` text gets an
    appearance showing it until the field is signed (the expected signer's name under a
    signature box). Deterministic: the same input gives the same bytes.

    ``locks`` maps a field to the fields its signature locks (``/Lock``, FieldMDP /Include):
    once the field is signed, a signature in any locked field makes the locking signature
    fail validation (pyHanko: modification level OTHER). The lock has to exist before the
    seal: a ``/Lock`` added to a field later is a change the certification does not allow.

    Raises ValueError for a duplicate or existing field name, a page out of range, or a lock
    naming a field that is not added here.
    """
    fields = list(fields)
    if not fields:
        raise ValueError("no signature fields to add")
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate signature field names: {names}")
    locks = {name: tuple(locked) for name, locked in (locks or {}).items() if locked}
    for name, locked in locks.items():
        unknown = [n for n in (name, *locked) if n not in names]
        if unknown:
            raise ValueError(f"lock of {name}: no such field {unknown}")
    writer = _StableWriter(io.BytesIO(pdf))
    seed = hashlib.sha256(pdf)
    for f in fields:
        seed.update(repr((f.name, f.page, tuple(f.rect), _placeholder(f))).encode())
    seed.update(repr(sorted(locks.items())).encode())
    writer._document_id[1] = generic.ByteStringObject(seed.digest()[:16])
    page_count = int(writer.root["/Pages"]["/Count"])
    for f in fields:
        if not 0 <= f.page < page_count:
            raise ValueError(f"field {f.name}: page {f.page} outside 0..{page_count - 1}")
        x1, y1, x2, y2 = (float(v) for v in f.rect)
        if not (x1 < x2 and y1 < y2):
            raise ValueError(f"field {f.name}: empty rectangle {f.rect}")
        spec = SigFieldSpec(
            sig_field_name=f.name,
            on_page=f.page,
            box=(x1, y1, x2, y2),
            visible_sig_settings=VisibleSigSettings(print_signature=True),
            field_mdp_spec=(
                FieldMDPSpec(FieldMDPAction.INCLUDE, fields=list(locks[f.name]))
                if f.name in locks
                else None
            ),
        )
        try:
            append_signature_field(writer, spec)
        except PdfError as exc:
            raise ValueError(f"field {f.name}: {exc}") from exc
        widget = _widget(writer.root["/AcroForm"]["/Fields"], f.name)
        flags = int(widget.get("/F", 0))
        if not flags & ANNOT_FLAG_PRINT:
            # pyHanko 0.38 sets it already; keep the guarantee if a later version does not.
            widget["/F"] = generic.NumberObject(flags | ANNOT_FLAG_PRINT)
        placeholder = _placeholder(f)
        if placeholder:
            widget["/AP"] = generic.DictionaryObject(
                {
                    generic.pdf_name("/N"): placeholder_appearance(
                        writer, x2 - x1, y2 - y1, placeholder
                    )
                }
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _placeholder(placement: FieldPlacement) -> str | None:
    return getattr(placement, "placeholder", None)


def _widget(field_refs: generic.ArrayObject, name: str) -> generic.DictionaryObject:
    for ref in field_refs:
        field = ref.get_object()
        if str(field.get("/T")) == name:
            kids = field.get("/Kids")
            return kids[0].get_object() if kids else field
    raise KeyError(name)


def _page_of_annotations(reader: PdfFileReader) -> dict[int, int]:
    """Map annotation object numbers to the 0-based index of the page listing them."""
    out: dict[int, int] = {}
    count = int(reader.root["/Pages"]["/Count"])
    for ix in range(count):
        page_ref, _ = reader.find_page_for_modification(ix)
        annots = page_ref.get_object().get("/Annots")
        for ref in annots or ():
            if isinstance(ref, generic.IndirectObject):
                out[ref.idnum] = ix
    return out


def _read_widgets(
    pdf: bytes,
) -> tuple[PdfFileReader, list[tuple[str, generic.IndirectObject]]]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    widgets = []
    for name, _value, field_ref in enumerate_sig_fields(reader, filled_status=None):
        field = field_ref.get_object()
        kids = field.get("/Kids")
        widgets.append((name, kids.raw_get(0) if kids else field_ref))
    return reader, widgets


def list_signature_fields(pdf: bytes) -> list[SignatureFieldInfo]:
    """Every signature field of ``pdf`` with its page (0-based) and rectangle, in field order.

    A field whose widget is on no page gets page -1.
    """
    reader, widgets = _read_widgets(pdf)
    pages = _page_of_annotations(reader)
    out = []
    for name, ref in widgets:
        widget = ref.get_object()
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        out.append(SignatureFieldInfo(name, pages.get(ref.idnum, -1), rect))
    return out


def signature_widget_flags(pdf: bytes) -> dict[str, int]:
    """Annotation flags (/F) of each signature field's widget, by field name."""
    _reader, widgets = _read_widgets(pdf)
    return {name: int(ref.get_object().get("/F", 0)) for name, ref in widgets}
