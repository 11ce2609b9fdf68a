"""What the visible mark of an act says: the kind of act, its default reason, the official's
initials and office lines, and :class:`Appearance`, which lays them out in the mark's box
(drawn by :mod:`signing.pades.appearance`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass

from .appearance import PADDING, PARAF_DATE_SHARE, Block, MarkLayout, MarkStyle, column

__all__ = ["WIB", "ActKind", "Appearance", "default_reason", "initials", "official_line"]

#: Western Indonesia Time. Jakarta has kept UTC+7 without daylight saving since 1964,
#: so a fixed offset is exact and needs no tz database.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


class ActKind(enum.StrEnum):
    """Kind of act; the PDF cannot tell them apart, so the database records it."""

    SEAL = "seal"
    SIGN = "sign"
    PARAF = "paraf"
    WITNESS = "witness"


_REASONS = {
    ActKind.SEAL: "Dokumen diterbitkan dan disegel secara elektronik",
    ActKind.SIGN: "Menandatangani komitmen",
    ActKind.PARAF: "Paraf",
    ActKind.WITNESS: "Saksi atas penandatanganan komitmen",
}


def default_reason(kind: ActKind) -> str:
    """The /Reason written when the caller gives none (Indonesian)."""
    return _REASONS[ActKind(kind)]


_TITLE_TOKEN = re.compile(r"^(?:[A-Za-z]{1,4}\.)+$")


def initials(name: str, limit: int = 3) -> str:
    """Initials for a paraf mark: titles and degrees are skipped.

    ``"H.M. Taufik Mukri"`` -> ``"TM"``; ``"Dra. Rinie"`` -> ``"R"``;
    ``"Ir. Budi Santoso, M.Si."`` -> ``"BS"``.
    """
    core = name.split(",")[0]
    words = [w for w in core.split() if w]
    kept = [w for w in words if not _TITLE_TOKEN.match(w)] or words
    letters = "".join(w[0] for w in kept if w[0].isalnum())
    return (letters[:limit] or "?").upper()


def _wib(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(WIB)


_PREFIXES = ("Plt.", "Plh.", "a.n.")


def official_line(line: str) -> str:
    """An office as written above a name in official correspondence: capitals, a comma, the
    Plt./Plh./a.n. prefix kept as is. ``"a.n. Gubernur Kalimantan Tengah"`` ->
    ``"a.n. GUBERNUR KALIMANTAN TENGAH,"``."""
    line = line.strip().rstrip(",")
    for prefix in _PREFIXES:
        if line.lower().startswith(prefix.lower() + " "):
            return f"{prefix} {line[len(prefix) :].strip().upper()},"
    return f"{line.upper()},"


@dataclass(frozen=True)
class Appearance:
    """What the visible mark of an act says (see :mod:`signing.pades.appearance`)."""

    #: Name of the person who acted, with titles.
    name: str
    #: The office they act in, e.g. "Bupati Kotawaringin Timur" or, under a mandate, their own
    #: office ("Wakil Bupati Kotawaringin Timur").
    office: str
    #: The Plt./Plh./a.n. line with the principal office when the person acts for someone
    #: ("Plt. Bupati Kotawaringin Timur"), else None.
    capacity_line: str | None = None
    #: Time shown on the stamp (any time zone; rendered in WIB). Defaults to now.
    signed_at: dt.datetime | None = None
    #: The document's short verification code, printed on signatures and witness marks.
    document_code: str | None = None
    #: Paraf by someone who is not the holder, without a Plt./Plh./a.n. capacity: whom they
    #: stand in for, e.g. "Bupati (tanpa mandat)".
    on_behalf: str | None = None
    #: Witness marks: the act witnessed, e.g. "tanda tangan Bupati Kotawaringin Timur".
    witnessed: str | None = None
    #: The official's specimen (PNG with a transparent background) for this kind of mark.
    specimen: bytes | None = dataclasses.field(default=None, repr=False)

    def _moment(self) -> dt.datetime:
        return _wib(self.signed_at or dt.datetime.now(dt.UTC))

    def _office_lines(self) -> list[str]:
        lines = [official_line(self.capacity_line)] if self.capacity_line else []
        return [*lines, official_line(self.office)]

    def _stamp_time(self) -> str:
        return f"{self._moment():%d-%m-%Y %H:%M} WIB"

    def _code_line(self) -> list[Block]:
        if not self.document_code:
            return []
        return [Block(f"Kode verifikasi {self.document_code}", 8, keep=0)]

    def paraf_sentence(self) -> str | None:
        """The words of a paraf by a non-holder: "diparaf oleh <name>, <office>, mewakili ..."."""
        if self.on_behalf:
            return f"diparaf oleh {self.name}, {self.office}, mewakili {self.on_behalf}"
        if self.capacity_line:
            return f"diparaf oleh {self.name}, {self.office}, {self.capacity_line}"
        return None

    def blocks(self, kind: ActKind) -> tuple[list[Block], list[Block]]:
        """The text of the mark: the main column and (paraf only) the date column."""
        kind = ActKind(kind)
        if kind is ActKind.PARAF:
            sentence = self.paraf_sentence()
            main = [Block(initials(self.name), 20, bold=True, min_size=12, keep=4)]
            if sentence:
                main.append(Block(sentence, 8, keep=3))
            else:
                main += [Block(self.name, 9, bold=True, keep=3), Block(self.office, 8)]
            when = self._moment()
            return main, [
                Block(f"{when:%d-%m-%Y}", 9, bold=True),
                Block(f"{when:%H:%M} WIB", 8),
            ]
        # The official form ends the mark: office lines, then the name on the line under the
        # box where the draft printed the expected signer (the column is bottom-aligned).
        head = self._code_line() + [Block(self._stamp_time(), 8, keep=2)]
        if kind is ActKind.WITNESS:
            head.append(Block("Saksi", 10, bold=True))
            if self.witnessed:
                head.append(Block(f"atas {self.witnessed}", 8))
        elif kind is ActKind.SEAL:
            head.append(Block("Disegel secara elektronik oleh", 8))
        else:
            head.append(Block("Ditandatangani secara elektronik oleh", 8))
        body = [Block(line, 9, bold=True, keep=3) for line in self._office_lines()]
        return head + body + [Block(self.name, 11, bold=True, keep=4)], []

    def lines(self, kind: ActKind) -> list[str]:
        """The text of the mark, one string per paragraph (before wrapping)."""
        main, side = self.blocks(kind)
        return [b.text for b in main + side]

    def text(self, kind: ActKind) -> str:
        return "\n".join(self.lines(kind))

    def plan(self, kind: ActKind, width: float, height: float, has_image: bool) -> MarkLayout:
        """Where each part of the mark goes in a box of ``width`` x ``height`` points."""
        main, side = self.blocks(kind)
        pad = PADDING
        x1, y1, x2, y2 = pad, pad, width - pad, height - pad
        dividers: tuple[float, ...] = ()
        columns = []
        if side:
            split = width * (1 - PARAF_DATE_SHARE)
            columns.append(column(split + pad, y1, x2 - split - pad, y2 - y1, side))
            dividers = (split,)
            x2 = split - pad
        image_area = None
        if has_image:
            image_width = (x2 - x1) * (0.3 if side else 0.36)
            image_area = (x1, y1, image_width, y2 - y1)
            x1 += image_width + pad
        columns.append(column(x1, y1, x2 - x1, y2 - y1, main, bottom=not side))
        return MarkLayout(tuple(columns), image_area, dividers)

    def style(self, kind: ActKind) -> MarkStyle:
        return MarkStyle(
            planner=functools.partial(self.plan, ActKind(kind)), specimen=self.specimen
        )
