"""Page images of a PDF for the web pages (pypdfium2, no reportlab)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium


def page_count(pdf: bytes) -> int:
    """Number of pages of ``pdf``."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def page_png(pdf: bytes, page: int, scale: float = 1.5) -> bytes:
    """PNG image of page ``page`` (0-based) of ``pdf``; ``scale`` 1 is 72 dpi.

    Form widgets (signature appearances) are drawn too, so a signed document previews as it
    prints.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    doc = pdfium.PdfDocument(pdf)
    try:
        if not 0 <= page < len(doc):
            raise IndexError(f"page {page} out of range 0..{len(doc) - 1}")
        # init_forms() before loading pages, or pdfium ignores widget appearances.
        doc.init_forms()
        pdf_page = doc[page]
        try:
            bitmap = pdf_page.render(scale=scale, may_draw_forms=True)
            image = bitmap.to_pil()
        finally:
            pdf_page.close()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
        return out.getvalue()
    finally:
        doc.close()
