"""Joining PDFs page by page with pypdfium2 (no reportlab, no pyHanko here).

The signed document is opened from its bytes and its signature widgets are flattened into the
page content before the pages are copied: a merged file has no AcroForm, and flattening is what
makes every visible signature, paraf and witness mark print in any viewer. The stored original
is never touched (pdfium works on its own in-memory copy).

A label (bundle page number, "SALINAN") goes at the top right of every page. Each source page
is placed as a form XObject on a new page beside one small text object: regenerating the
content of the original page instead costs ~40 ms a page, this ~5 ms.
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from signing.documents.preview import page_count

__all__ = ["Part", "merge", "page_count", "page_texts"]

#: Label position: 12 mm from the right edge, 8 mm below the top (inside every top margin).
_MM = 72 / 25.4
_LABEL_RIGHT = 12 * _MM
_LABEL_TOP = 8 * _MM
_LABEL_SIZE = 7.0
#: Helvetica advance width per character, on average, in 1/1000 em (labels are ASCII).
_HELVETICA_AVERAGE = 540


@dataclass(frozen=True)
class Part:
    """A PDF to append, optionally with its widgets flattened first."""

    pdf: bytes
    flatten: bool = False


def _open(part: Part) -> pdfium.PdfDocument:
    doc = pdfium.PdfDocument(part.pdf)
    if part.flatten:
        # init_forms() before any page is loaded, or pdfium has no form environment to flatten.
        doc.init_forms()
        for index in range(len(doc)):
            page = doc[index]
            page.flatten(flag=pdfium_c.FLAT_PRINT)
            page.close()
    return doc


def _label(out: pdfium.PdfDocument, font, page, text: str, width: float, height: float) -> None:
    obj = pdfium_c.FPDFPageObj_CreateTextObj(out.raw, font, ctypes.c_float(_LABEL_SIZE))
    encoded = (text.encode("ascii", "replace").decode() + "\0").encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded, len(encoded))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    text_width = len(text) * _HELVETICA_AVERAGE * _LABEL_SIZE / 1000
    x = max(_LABEL_RIGHT, width - _LABEL_RIGHT - text_width)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, height - _LABEL_TOP)
    pdfium_c.FPDFPageObj_SetFillColor(obj, 64, 64, 64, 255)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def merge(parts: Sequence[Part], *, labels: Sequence[str] | None = None) -> bytes:
    """Concatenate ``parts``; with ``labels``, write label *i* at the top of page *i*."""
    out = pdfium.PdfDocument.new()
    opened = []
    try:
        if labels is None:
            for part in parts:
                doc = _open(part)
                opened.append(doc)
                out.import_pages(doc)
        else:
            font = pdfium_c.FPDFText_LoadStandardFont(out.raw, b"Helvetica")
            number = 0
            for part in parts:
                doc = _open(part)
                opened.append(doc)
                for index in range(len(doc)):
                    if number >= len(labels):
                        raise ValueError(f"{len(labels)} labels for more pages")
                    width, height = doc.get_page_size(index)
                    page = out.new_page(width, height)
                    xobject = doc.page_as_xobject(index, out)
                    page.insert_obj(xobject.as_pageobject())
                    _label(out, font, page, labels[number], width, height)
                    page.gen_content()
                    page.close()
                    xobject.close()
                    number += 1
            if number != len(labels):
                raise ValueError(f"{len(labels)} labels for {number} pages")
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        for doc in opened:
            doc.close()
        out.close()


def page_texts(pdf: bytes) -> list[str]:
    """Text of every page (pdfium extraction), whitespace runs collapsed."""
    doc = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()
