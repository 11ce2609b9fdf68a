"""Paragraph styles of the commitment document (10 pt Vera, 14 pt leading)."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from .fonts import FONT, FONT_BOLD


def style(name: str, **kw: object) -> ParagraphStyle:
    base = {
        "fontName": FONT,
        "bulletFontName": FONT,
        "fontSize": 10,
        "leading": 14,
        "splitLongWords": 1,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)


S_HEADING = style("heading", fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER)
S_TITLE = style("title", fontName=FONT_BOLD, fontSize=11, leading=15, alignment=TA_CENTER)
S_NUMBER = style("number", alignment=TA_CENTER, spaceBefore=6)
S_BODY = style("body", alignment=TA_JUSTIFY, spaceBefore=6)
S_SECTION = style("section", fontName=FONT_BOLD, spaceBefore=10, spaceAfter=2)
S_LIST = style("list", alignment=TA_JUSTIFY, leftIndent=8 * mm, bulletIndent=0, spaceBefore=2)
S_CELL = style("cell", alignment=TA_LEFT)
S_CELL_JUSTIFY = style("cell_justify", alignment=TA_JUSTIFY)
S_SIG_OFFICE = style("sig_office", fontName=FONT_BOLD, alignment=TA_CENTER, leading=13)
S_SIG_NAME = style("sig_name", fontName=FONT_BOLD, alignment=TA_CENTER, leading=13)
S_SIG_NIP = style("sig_nip", fontSize=9, alignment=TA_CENTER, leading=12)
S_CENTER_BOLD = style("center_bold", fontName=FONT_BOLD, alignment=TA_CENTER, spaceBefore=12)
S_TABLE_HEAD = style("table_head", fontName=FONT_BOLD, fontSize=9, alignment=TA_CENTER)
S_TABLE_CELL = style("table_cell", fontSize=9, leading=12)
S_TABLE_CENTER = style("table_center", fontSize=9, leading=12, alignment=TA_CENTER)
S_PAGE_NUMBER = style("page_number", fontSize=8, leading=10, alignment=TA_RIGHT)
