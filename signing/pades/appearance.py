"""The visible mark of an act, drawn for print: a pyHanko stamp style of our own.

A signature, paraf or witness box is read on paper at arm's length, so the mark uses the whole
box, a proportional font (standard Helvetica: exact metrics, nothing embedded per act) and no
text smaller than :data:`MIN_FONT_SIZE` points at 100 % scale; text keeps :data:`PADDING` away
from the box's edges. An official's specimen (handwritten signature or paraf, a PNG with a
transparent background) is drawn beside the text when there is one.

The mark is opaque. A signature field also covers the line under its box, where the empty
field's own appearance (:func:`placeholder_appearance`) shows the expected signer; signing
replaces it, and the mark prints the person who acted there.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import pil_image
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

from ._helvetica import CODES, HELVETICA, HELVETICA_BOLD

__all__ = [
    "MIN_FONT_SIZE",
    "PADDING",
    "PARAF_DATE_SHARE",
    "Block",
    "MarkLayout",
    "MarkStyle",
    "column",
    "placeholder_appearance",
    "text_width",
    "wrap",
]

#: Smallest text drawn in any mark, in points at 100 % scale.
MIN_FONT_SIZE = 7.0
#: Space between the box's edge and any text or image.
PADDING = 4.0
#: Share of a paraf field taken by its date: the field spans the paraf table's Paraf (44 mm)
#: and Tanggal (24 mm) cells less 3 pt of padding each side, and the date is drawn under the
#: Tanggal heading (see documents/layout.py; a test keeps the two in step).
PARAF_DATE_SHARE = (24 * 72 / 25.4 - 3) / (68 * 72 / 25.4 - 6)

_WIDTHS = {
    False: dict(zip(CODES, HELVETICA, strict=True)),
    True: dict(zip(CODES, HELVETICA_BOLD, strict=True)),
}
_FONTS = {False: "/Helv", True: "/HelvB"}
_LEADING = 1.18


def _latin1(text: str) -> str:
    # Standard fonts are single-byte (WinAnsi): anything else becomes "?".
    return "".join(c if ord(c) in _WIDTHS[False] else "?" for c in text)


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = _WIDTHS[bold]
    return sum(widths.get(ord(c), 556) for c in text) * size / 1000


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy word wrap; a word longer than the line is split between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while text_width(word, size, bold) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


@dataclass(frozen=True)
class Block:
    """A paragraph of a mark: wrapped to the column, shrunk no further than ``min_size``."""

    text: str
    size: float = 8.0
    bold: bool = False
    min_size: float = MIN_FONT_SIZE
    #: When even 7 pt does not fit, the blocks of lowest ``keep`` are left out first (the
    #: name is the last thing a mark may lose).
    keep: int = 1


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool
    keep: int = 1


def _fit(blocks: Sequence[Block], width: float, height: float) -> list[_Line]:
    """The blocks' lines at the largest common scale (<= 1) that fits the column.

    If even the smallest sizes do not fit, whole blocks are left out, the lowest ``keep``
    first and, among equals, the later ones, rather than drawn smaller than
    :data:`MIN_FONT_SIZE` or cut mid-sentence; a last block still too long loses its last
    lines and says so with "...".
    """
    # Steps of 2.5 %, searched by halving: a smaller scale never takes more height.
    low, high = 0, 40
    if _height(_lines(blocks, 1, width)) <= height:
        return _lines(blocks, 1, width)
    if _height(_lines(blocks, 0, width)) <= height:
        while high - low > 1:
            middle = (low + high) // 2
            if _height(_lines(blocks, 1 - middle * 0.025, width)) <= height:
                high = middle
            else:
                low = middle
        return _lines(blocks, 1 - high * 0.025, width)
    kept = list(range(len(blocks)))
    for k in sorted(kept, key=lambda k: (blocks[k].keep, -k)):
        if _height(_lines([blocks[j] for j in kept], 0, width)) <= height or len(kept) == 1:
            break
        kept.remove(k)
    lines = _lines([blocks[j] for j in kept], 0, width)
    while lines and _height(lines) > height:
        lines.pop()
        if lines:
            last = lines[-1]
            text = wrap(last.text + " ...", last.size, width, last.bold)[0]
            if not text.endswith("..."):
                text = last.text[: max(0, len(last.text) - 4)] + " ..."
            lines[-1] = _Line(text, last.size, last.bold, last.keep)
    return lines


def _fits(column: _Column) -> bool:
    """Whether every block of ``column`` fits at :data:`MIN_FONT_SIZE` or more."""
    return _height(_lines(column.blocks, 0, column.width)) <= column.height


def _lines(blocks: Sequence[Block], factor: float, width: float) -> list[_Line]:
    lines: list[_Line] = []
    for block in blocks:
        size = max(block.size * factor, block.min_size, MIN_FONT_SIZE)
        lines += [
            _Line(t, size, block.bold, block.keep)
            for t in wrap(block.text, size, width, block.bold)
        ]
    return lines


def _height(lines: Sequence[_Line]) -> float:
    return sum(line.size * _LEADING for line in lines)


def _pdf_string(text: str) -> bytes:
    raw = _latin1(text).encode("latin-1")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


@dataclass(frozen=True)
class _Column:
    """A rectangle of the box holding centred lines of text, vertically centred."""

    x: float
    y: float
    width: float
    height: float
    blocks: tuple[Block, ...]
    #: Lines end at the column's foot instead of being centred in it.
    bottom: bool = False


@dataclass(frozen=True)
class MarkLayout:
    """What to draw in a box of ``width`` x ``height``: columns of text, an optional specimen
    image in its own area, and vertical divider lines (x positions)."""

    columns: tuple[_Column, ...]
    image_area: tuple[float, float, float, float] | None = None
    dividers: tuple[float, ...] = ()


def _render_commands(
    plan: MarkLayout, width: float, height: float, image_name: bytes | None
) -> list[bytes]:
    out = [
        # Opaque white, so that nothing of the page shows through the mark.
        b"q 1 1 1 rg 0 0 %.2f %.2f re f Q" % (width, height),
        b"q 0.35 0.35 0.35 RG 0.6 w 1 1 %.2f %.2f re S" % (width - 2, height - 2),
    ]
    for x in plan.dividers:
        out.append(b"%.2f 1 m %.2f %.2f l S" % (x, x, height - 1))
    out.append(b"Q")
    if image_name is not None and plan.image_area is not None:
        x, y, w, h = plan.image_area
        out.append(b"q %.2f 0 0 %.2f %.2f %.2f cm %s Do Q" % (w, h, x, y, image_name))
    return out + _text_commands(plan)


def _text_commands(plan: MarkLayout) -> list[bytes]:
    out = [b"0 g"]
    for column in plan.columns:
        lines = _fit(column.blocks, column.width, column.height)
        total = sum(line.size * _LEADING for line in lines)
        top = column.y + total if column.bottom else column.y + (column.height + total) / 2
        for line in lines:
            top -= line.size * _LEADING
            baseline = top + line.size * (_LEADING - 1) / 2 + line.size * 0.21
            x = column.x + (column.width - text_width(line.text, line.size, line.bold)) / 2
            out.append(
                b"BT %s %.2f Tf %.2f %.2f Td %s Tj ET"
                % (
                    _FONTS[line.bold].encode(),
                    line.size,
                    x,
                    baseline,
                    _pdf_string(line.text),
                )
            )
    return out


def _font(base: str) -> generic.DictionaryObject:
    return generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name(base),
            pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
        }
    )


def _specimen_image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGBA") if image.mode not in ("RGBA", "LA") else image


def _fit_image(
    image: Image.Image, area: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    x, y, w, h = area
    scale = min(w / image.width, h / image.height)
    iw, ih = image.width * scale, image.height * scale
    return (x + (w - iw) / 2, y + (h - ih) / 2, iw, ih)


class _MarkStamp(BaseStamp):
    def __init__(
        self, writer: BasePdfFileWriter, style: MarkStyle, box: layout.BoxConstraints
    ) -> None:
        super().__init__(writer=writer, style=style, box=box)

    def _render_inner_content(self) -> list[bytes]:
        style: MarkStyle = self.style
        width, height = self.box.width, self.box.height
        image = _specimen_image(style.specimen) if style.specimen else None
        plan = style.planner(width, height, image is not None)
        if image is not None and not all(_fits(c) for c in plan.columns):
            # The words are the record; the specimen only illustrates them.
            image = None
            plan = style.planner(width, height, False)
        for bold, base in ((False, "/Helvetica"), (True, "/Helvetica-Bold")):
            self.set_resource(ResourceType.FONT, pdf_name(_FONTS[bold]), _font(base))
        image_name = None
        if image is not None and plan.image_area is not None:
            image_name = b"/Specimen"
            self.set_resource(
                ResourceType.XOBJECT, pdf_name("/Specimen"), pil_image(image, self.writer)
            )
            plan = MarkLayout(plan.columns, _fit_image(image, plan.image_area), plan.dividers)
        return _render_commands(plan, width, height, image_name)


@dataclass(frozen=True)
class MarkStyle(BaseStampStyle):
    """A stamp style drawing the plan that ``planner(width, height, has_image)`` makes."""

    planner: Callable[[float, float, bool], MarkLayout] | None = None
    specimen: bytes | None = None
    border_width: int = 0

    def create_stamp(
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict
    ) -> _MarkStamp:
        return _MarkStamp(writer, self, box)


def column(
    x: float,
    y: float,
    width: float,
    height: float,
    blocks: Sequence[Block],
    *,
    bottom: bool = False,
) -> _Column:
    return _Column(x, y, width, height, tuple(blocks), bottom)


def placeholder_appearance(
    writer: BasePdfFileWriter, width: float, height: float, text: str
) -> generic.IndirectObject:
    """The appearance of an empty signature field: ``text`` (the expected signer's name) on the
    line under the box, as a signature block prints it.

    Signing the field replaces the whole appearance with the act's mark, which prints the
    person who actually acted there; so the document never shows the expected name as if it
    were the signer's, and no hidden text stays under the mark.
    """
    plan = MarkLayout(
        (
            column(
                PADDING, 0, width - 2 * PADDING, height, [Block(text, 10, bold=True)], bottom=True
            ),
        )
    )
    fonts = generic.DictionaryObject({pdf_name(_FONTS[True]): _font("/Helvetica-Bold")})
    stream = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                [generic.FloatObject(0), generic.FloatObject(0)]
                + [generic.FloatObject(round(width, 2)), generic.FloatObject(round(height, 2))]
            ),
            pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): fonts}),
        },
        stream_data=b" ".join(_text_commands(plan)),
    )
    return writer.add_object(stream)
