"""What each act shows on the page: signature, paraf and witness stamps."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from signing.pades.appearance import text_width, wrap
from signing.pades.sign import WIB, ActKind, Appearance, initials, official_line

from .conftest import ACTS, SIGNED_AT
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
    assert lines[0] == "29-11-2026 10:15 WIB"
    naive_utc = dt.datetime(2026, 11, 29, 20, 5)
    assert Appearance("A", "B", None, naive_utc).lines(ActKind.SIGN)[0] == "30-11-2026 03:05 WIB"
    assert WIB.utcoffset(None) == dt.timedelta(hours=7)


def test_signature_stamp_text_is_the_official_form():
    appearance = Appearance(
        "H.M. Taufik Mukri",
        "Wakil Bupati Kotawaringin Timur",
        "Plt. Bupati Kotawaringin Timur",
        dt.datetime(2026, 11, 29, 3, 15, tzinfo=dt.UTC),
        document_code="K7M2Q9XA",
    )
    assert appearance.lines(ActKind.SIGN) == [
        "Kode verifikasi K7M2Q9XA",
        "29-11-2026 10:15 WIB",
        "Ditandatangani secara elektronik oleh",
        "Plt. BUPATI KOTAWARINGIN TIMUR,",
        "WAKIL BUPATI KOTAWARINGIN TIMUR,",
        "H.M. Taufik Mukri",
    ]
    assert appearance.lines(ActKind.PARAF) == [
        "TM",
        "diparaf oleh H.M. Taufik Mukri, Wakil Bupati Kotawaringin Timur, "
        "Plt. Bupati Kotawaringin Timur",
        "29-11-2026",
        "10:15 WIB",
    ]
    stand_in = dataclasses.replace(
        appearance, capacity_line=None, on_behalf="Bupati (tanpa mandat)"
    )
    assert stand_in.lines(ActKind.PARAF)[1] == (
        "diparaf oleh H.M. Taufik Mukri, Wakil Bupati Kotawaringin Timur, mewakili Bupati "
        "(tanpa mandat)"
    )
    holder = Appearance("Dra. Rinie", "Ketua DPRD", None, appearance.signed_at)
    assert holder.lines(ActKind.PARAF) == [
        "R",
        "Dra. Rinie",
        "Ketua DPRD",
        "29-11-2026",
        "10:15 WIB",
    ]
    witness = Appearance(
        "Wakil Gubernur Demo",
        "Wakil Gubernur Kalimantan Tengah",
        None,
        appearance.signed_at,
        witnessed="tanda tangan Bupati Kotawaringin Timur",
    )
    assert witness.lines(ActKind.WITNESS) == [
        "29-11-2026 10:15 WIB",
        "Saksi",
        "atas tanda tangan Bupati Kotawaringin Timur",
        "WAKIL GUBERNUR KALIMANTAN TENGAH,",
        "Wakil Gubernur Demo",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("a.n. Gubernur Kalimantan Tengah", "a.n. GUBERNUR KALIMANTAN TENGAH,"),
        ("Plt. BUPATI KOTAWARINGIN TIMUR,", "Plt. BUPATI KOTAWARINGIN TIMUR,"),
        ("Plh. Wali Kota Palangka Raya", "Plh. WALI KOTA PALANGKA RAYA,"),
        ("Wakil Gubernur", "WAKIL GUBERNUR,"),
    ],
)
def test_official_lines(line, expected):
    assert official_line(line) == expected


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


@pytest.mark.parametrize("act", ACTS, ids=[a[0] for a in ACTS])
def test_signed_fields_show_their_stamp(signed_pdf, act):
    field, kind, name, office, capacity, _key = act
    shown = _words(shown_lines(appearance_bytes(signed_pdf, field)))
    expected = Appearance(name, office, capacity, SIGNED_AT).lines(kind)
    if kind is ActKind.PARAF:
        # This test document's paraf box is 60 x 30 pt, a third of the real one: the initials
        # and the date fit at 7 pt or more; the lines that do not are left out, never shrunk.
        assert initials(name) in shown
        return
    # Wrapped to the box, but every word of the mark is drawn, in order.
    assert shown == _words(expected)


@pytest.mark.parametrize("size", [7.0, 9.5, 20.0])
def test_wrap_keeps_every_line_inside_the_width(size):
    text = "diparaf oleh H.M. Taufik Mukri, Wakil Bupati Kotawaringin Timur, mewakili Bupati"
    lines = wrap(text + " Supercalifragilisticexpialidocious" * 2, size, 80)
    assert all(text_width(line, size) <= 80 for line in lines)
    assert "".join(lines).replace(" ", "") == (
        text + " Supercalifragilisticexpialidocious" * 2
    ).replace(" ", "")
