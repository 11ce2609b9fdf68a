"""What each act shows on the page: signature, paraf and witness stamps."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from signing.pades.sign import WIB, ActKind, Appearance, initials

from .conftest import ACTS
from .pdf_helpers import appearance_bytes

_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")


def shown_lines(content: bytes) -> list[str]:
    """Text shown by Tj operators, PDF string escapes undone."""

    def unescape(raw: bytes) -> str:
        raw = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
        raw = re.sub(rb"\\(.)", rb"\1", raw)
        return raw.decode("latin-1")

    return [unescape(m.group(1)) for m in _SHOWN.finditer(content)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H.M. Taufik Mukri", "TM"),
        ("Dra. Rinie", "R"),
        ("Ir. Budi Santoso, M.Si.", "BS"),
        ("Prof. Dr. Hj. Siti Aminah Nur Rahma, S.H., M.H.", "SAN"),
        ("sugianto sabran", "SS"),
        ("H.", "H"),
    ],
)
def test_paraf_initials_skip_titles_and_degrees(name, expected):
    assert initials(name) == expected


def test_time_is_shown_in_wib():
    moment = dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC)
    lines = Appearance("Dra. Rinie", "Ketua DPRD", None, moment).lines(ActKind.SIGN)
    assert lines[-1] == "29-11-2026 10:15 WIB"
    naive_utc = dt.datetime(2026, 11, 29, 20, 5)
    assert Appearance("A", "B", None, naive_utc).lines(ActKind.SIGN)[-1] == "30-11-2026 03:05 WIB"
    assert WIB.utcoffset(None) == dt.timedelta(hours=7)


def test_signature_stamp_text():
    appearance = Appearance(
        "H.M. Taufik Mukri",
        "WAKIL BUPATI,",
        "Plt. BUPATI KOTAWARINGIN TIMUR,",
        dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC),
    )
    assert appearance.lines(ActKind.SIGN) == [
        "Ditandatangani secara elektronik",
        "Plt. BUPATI KOTAWARINGIN TIMUR,",
        "WAKIL BUPATI,",
        "H.M. Taufik Mukri",
        "29-11-2026 10:15 WIB",
    ]
    assert appearance.lines(ActKind.PARAF) == ["TM", "29-11-26"]
    witness = Appearance("Wakil Gubernur Demo", "Wakil Gubernur", None, appearance.signed_at)
    assert witness.lines(ActKind.WITNESS) == [
        "Saksi",
        "Wakil Gubernur",
        "Wakil Gubernur Demo",
        "29-11-2026 10:15 WIB",
    ]


@pytest.mark.parametrize("act", ACTS, ids=[a[0] for a in ACTS])
def test_signed_fields_show_their_stamp(signed_pdf, act):
    field, kind, name, office, capacity, _key = act
    lines = shown_lines(appearance_bytes(signed_pdf, field))
    if kind is ActKind.PARAF:
        assert lines == [initials(name), "29-11-26"]
        return
    assert lines[0] == ("Saksi" if kind is ActKind.WITNESS else "Ditandatangani secara elektronik")
    assert name in lines and office in lines
    assert lines[-1] == "29-11-2026 10:15 WIB"
    if capacity:
        assert capacity in lines
