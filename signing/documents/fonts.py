"""The Vera fonts that ship inside reportlab, registered once, and paragraph markup escaping.

Every page we draw (the commitment, its verification sheet, the bundle's cover) embeds these,
so output never depends on the host's fonts.
"""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = ["FONT", "FONT_BOLD", "FONT_BOLD_ITALIC", "FONT_ITALIC", "x"]

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
FONT_ITALIC = "Vera-Italic"
FONT_BOLD_ITALIC = "Vera-BoldItalic"


def _register() -> None:
    # Vera ships inside reportlab, so output never depends on the host's fonts.
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    font_dir = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, filename in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (FONT_ITALIC, "VeraIt.ttf"),
        (FONT_BOLD_ITALIC, "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(font_dir, filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )


_register()


def x(text: object) -> str:
    """Escape ``text`` (None as empty) for reportlab's paragraph markup."""
    return escape("" if text is None else str(text), {'"': "&quot;"})
