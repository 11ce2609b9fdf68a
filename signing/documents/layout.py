"""Page geometry of the commitment document: the single source of every box.

All measures are PDF points (1/72 inch), origin bottom left, A4 portrait. The renderer draws
with these numbers and :class:`FieldSpot` records where each signature box actually landed, so
the signature fields pyHanko adds later sit exactly on the drawn boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus.flowables import Flowable


class DocumentLayoutError(ValueError):
    """The content does not fit the layout (e.g. a footer URL too long for its box)."""


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle ``(x1, y1)``-``(x2, y2)`` with x1 < x2, y1 < y2."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)


PAGE_WIDTH, PAGE_HEIGHT = A4

# Tata Naskah Dinas margins are 2-3 cm; the wider left margin leaves room for binding.
MARGIN_LEFT = 25 * mm
MARGIN_RIGHT = 20 * mm
MARGIN_TOP = 20 * mm

# Footer zone at the foot of every page: QR code on the left, document code and the
# electronic-signature notice beside it, page number on the right, a rule above.
FOOTER_BOTTOM = 10 * mm
QR_SIZE = 22 * mm
FOOTER_RULE_Y = FOOTER_BOTTOM + QR_SIZE + 2 * mm
MARGIN_BOTTOM = FOOTER_RULE_Y + 5 * mm

FRAME = Rect(MARGIN_LEFT, MARGIN_BOTTOM, PAGE_WIDTH - MARGIN_RIGHT, PAGE_HEIGHT - MARGIN_TOP)
FRAME_WIDTH = FRAME.width

QR_BOX = Rect(MARGIN_LEFT, FOOTER_BOTTOM, MARGIN_LEFT + QR_SIZE, FOOTER_BOTTOM + QR_SIZE)
PAGE_NUMBER_WIDTH = 30 * mm
FOOTER_TEXT_BOX = Rect(
    QR_BOX.x2 + 3 * mm, FOOTER_BOTTOM, FRAME.x2 - PAGE_NUMBER_WIDTH - 3 * mm, QR_BOX.y2
)
PAGE_NUMBER_BOX = Rect(FRAME.x2 - PAGE_NUMBER_WIDTH, FOOTER_BOTTOM, FRAME.x2, QR_BOX.y2)

#: Padding inside every table cell of the signature, witness and paraf tables.
CELL_PADDING = 3

# Signature table: Gubernur | Bupati/Wali Kota | Ketua DPRD, equal columns.
SIGNATURE_COLUMNS = 3
SIGNATURE_COL_WIDTH = FRAME_WIDTH / SIGNATURE_COLUMNS
#: Space for the stamp and the visible signature: the signature field's rectangle.
SIGNATURE_BOX_WIDTH = SIGNATURE_COL_WIDTH - 2 * CELL_PADDING
SIGNATURE_BOX_HEIGHT = 26 * mm

# Witnesses: Wakil Gubernur | Ketua DPRD Provinsi, two equal columns, same box as the parties.
WITNESS_COLUMNS = 2
WITNESS_COL_WIDTH = FRAME_WIDTH / WITNESS_COLUMNS
WITNESS_BOX_WIDTH = SIGNATURE_BOX_WIDTH
WITNESS_BOX_HEIGHT = SIGNATURE_BOX_HEIGHT

# Paraf koordinasi table: No | Jabatan | Paraf | Tanggal. The paraf field spans the Paraf and
# Tanggal cells of its row: the mark writes the initials, who initialled (and for whom) under
# Paraf and the date under Tanggal (signing.pades.appearance.PARAF_DATE_SHARE is the Tanggal
# cell's share of the field's width; a test keeps the two in step).
PARAF_NO_WIDTH = 10 * mm
PARAF_PARAF_WIDTH = 44 * mm
PARAF_DATE_WIDTH = 24 * mm
PARAF_COL_WIDTHS = (
    PARAF_NO_WIDTH,
    FRAME_WIDTH - PARAF_NO_WIDTH - PARAF_PARAF_WIDTH - PARAF_DATE_WIDTH,
    PARAF_PARAF_WIDTH,
    PARAF_DATE_WIDTH,
)
PARAF_BOX_WIDTH = PARAF_PARAF_WIDTH + PARAF_DATE_WIDTH - 2 * CELL_PADDING
PARAF_BOX_HEIGHT = 18 * mm
#: Where the Paraf and Tanggal cells meet, from the paraf field's left edge.
PARAF_DIVIDER_X = PARAF_PARAF_WIDTH - CELL_PADDING

#: Field rectangles are rounded to 1/100 pt so they survive a PDF round trip unchanged.
RECT_DECIMALS = 2


@dataclass(frozen=True)
class FieldBox:
    """Where a named box landed: 0-based page index and rectangle in default user space."""

    name: str
    page: int
    rect: tuple[float, float, float, float]
    #: Text the empty field shows until it is signed (the expected signer's name).
    placeholder: str | None = None


def drawn_box(flowable: Flowable, name: str, placeholder: str | None = None) -> FieldBox:
    """Where ``flowable`` (being drawn) lands: its page and absolute, rounded rectangle.

    Taken from the canvas transformation (a table translates the canvas before drawing its
    cells), not from drawOn's arguments.
    """
    canv = flowable.canv
    x1, y1 = canv.absolutePosition(0, 0)
    x2, y2 = canv.absolutePosition(flowable.width, flowable.height)
    rect = tuple(round(v, RECT_DECIMALS) for v in (x1, y1, x2, y2))
    return FieldBox(name, canv.getPageNumber() - 1, rect, placeholder)


class _CellSpot(Flowable):
    """A paragraph in a table cell that takes the cell's whole width."""

    def __init__(self, paragraph: Flowable) -> None:
        super().__init__()
        self.paragraph = paragraph
        self.width = self.height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        _, self.height = self.paragraph.wrap(availWidth, availHeight)
        self.width = availWidth
        return self.width, self.height


class FieldSpot(Flowable):
    """An empty box of fixed size that records its page and absolute rectangle when drawn.

    Placed in table cells, so the rectangle is taken from the canvas transformation (the
    table translates the canvas before drawing its cells), not from drawOn's arguments.
    ``recorder`` None makes it a plain spacer (the bare rendering of the benchmark).
    """

    def __init__(
        self,
        name: str,
        width: float,
        height: float,
        recorder: list[FieldBox] | None,
        divider_at: float | None = None,
    ) -> None:
        super().__init__()
        self.name = name
        self.width = width
        self.height = height
        self.recorder = recorder
        #: x (from the box's left) of a column rule to draw across the box: the paraf field
        #: spans two table cells, and the rule keeps them apart while the field is empty.
        self.divider_at = divider_at

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        if self.divider_at is not None:
            canv.saveState()
            canv.setLineWidth(0.5)
            canv.line(self.divider_at, -CELL_PADDING, self.divider_at, self.height + CELL_PADDING)
            canv.restoreState()
        if self.recorder is not None:
            self.recorder.append(drawn_box(self, self.name))

    def __repr__(self) -> str:
        return f"FieldSpot({self.name!r}, {self.width:.1f}x{self.height:.1f})"


class NameSpot(_CellSpot):
    """The line under a signature box for the signer's name: part of that box's field.

    The page itself prints no name there. The empty field shows the expected signer's name
    (``placeholder``) and the act's mark replaces it with the person who actually acted, in
    official form: a mandate given after the document was sealed cannot change the sealed
    page, and nothing printed on it names someone as a signer who did not sign. ``texts``
    records the cell area as :class:`TextSpot` does (layout checks).
    """

    def __init__(
        self,
        field_name: str,
        paragraph: Flowable,
        fields: list[FieldBox],
        texts: list[FieldBox] | None,
        name: str,
        placeholder: str,
    ) -> None:
        super().__init__(paragraph)
        self.field_name = field_name
        self.fields = fields
        self.texts = texts
        self.name = name
        self.placeholder = placeholder

    def draw(self) -> None:
        # The paragraph only sizes the line (wrap); the field's placeholder shows the name.
        cell = drawn_box(self, self.name)
        if self.texts is not None:
            self.texts.append(cell)
        x1, y1, x2, _y2 = cell.rect
        for k, box in enumerate(self.fields):
            if box.name == self.field_name and box.page == cell.page:
                bx1, _by1, bx2, by2 = box.rect
                # A name wider than the box (witness columns are wider) stays covered too.
                rect = (min(bx1, x1), y1, max(bx2, x2), by2)
                self.fields[k] = FieldBox(box.name, cell.page, rect, self.placeholder)


class TextSpot(_CellSpot):
    """A paragraph in a table cell that records the cell area it was given, when drawn.

    Tests compare the recorded area with the characters pdfium finds on the page, which
    proves a wrapped name or office line stays inside its column.
    """

    def __init__(self, name: str, paragraph: Flowable, recorder: list[FieldBox]) -> None:
        super().__init__(paragraph)
        self.name = name
        self.recorder = recorder

    def draw(self) -> None:
        self.paragraph.drawOn(self.canv, 0, 0)
        self.recorder.append(drawn_box(self, self.name))
