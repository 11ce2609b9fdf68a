"""Glyph widths of the standard Helvetica fonts (Adobe AFM metrics, 1/1000 em).

Codes 32-126 and 160-255 of WinAnsiEncoding, where it agrees with Latin-1. Kept as data
(``signing/data/helvetica-widths.json``) so that appearances use a proportional standard font
with exact metrics and embed nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

CODES: tuple[int, ...] = tuple(range(32, 127)) + tuple(range(160, 256))

_WIDTHS = json.loads((Path(__file__).parent.parent / "data" / "helvetica-widths.json").read_text())
HELVETICA: tuple[int, ...] = tuple(_WIDTHS["Helvetica"])
HELVETICA_BOLD: tuple[int, ...] = tuple(_WIDTHS["Helvetica-Bold"])
assert len(HELVETICA) == len(HELVETICA_BOLD) == len(CODES)
