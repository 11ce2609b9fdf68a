"""Read rendered PDFs back with pypdfium2: page text and the boxes of its characters."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pypdfium2 as pdfium


@dataclass(frozen=True)
class Char:
    text: str
    box: tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class PageText:
    text: str
    chars: tuple[Char, ...]

    @property
    def flat(self) -> str:
        """Text with every run of whitespace (line breaks included) as one space."""
        return " ".join(self.text.split())

    def find(self, phrase: str) -> list[tuple[Char, ...]]:
        """Characters of each occurrence of ``phrase``, which may be broken across lines."""
        words = [re.escape(w) for w in phrase.split()]
        pattern = re.compile(r"\s+".join(words))
        hits = []
        for m in pattern.finditer(self.text):
            hits.append(tuple(c for c in self.chars[m.start() : m.end()] if not c.text.isspace()))
        return hits


def read_pages(pdf: bytes) -> list[PageText]:
    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for ix in range(len(doc)):
            page = doc[ix]
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count)
            # pdfium reports one character per index; the text must line up with the boxes.
            assert len(text) == count, (len(text), count)
            chars = tuple(Char(text[i], textpage.get_charbox(i)) for i in range(count))
            pages.append(PageText(text, chars))
            textpage.close()
            page.close()
    finally:
        doc.close()
    return pages


def inside(box: tuple[float, float, float, float], rect, tolerance: float = 0.5) -> bool:
    left, bottom, right, top = box
    x1, y1, x2, y2 = rect
    return (
        left >= x1 - tolerance
        and right <= x2 + tolerance
        and bottom >= y1 - tolerance
        and top <= y2 + tolerance
    )


def overlaps(box: tuple[float, float, float, float], rect) -> bool:
    left, bottom, right, top = box
    x1, y1, x2, y2 = rect
    return left < x2 and right > x1 and bottom < y2 and top > y1
