"""The fast hex-string reader behaves exactly like pyHanko's own."""

from __future__ import annotations

from io import BytesIO

import pytest

from signing.pades import _speedups

CASES = [
    b"<48656c6c6f> rest",
    b"<48 65\n6c\r\n6C\t6f\x00\x0c> rest",
    b"<486> rest",
    b"<> rest",
    b"<4865 % a comment\n6c6c6f> rest",
    b"<" + b"0" * 70000 + b"ab>",
]
BROKEN = [b"<4G65>", b"<4865", b"<48656c6c6f"]


def _original(data: bytes):
    stream = BytesIO(data)
    return _speedups._original(stream), stream.tell()


def _fast(data: bytes):
    stream = BytesIO(data)
    return _speedups.read_hex_string(stream), stream.tell()


def test_fast_reader_is_installed_by_the_package():
    from pyhanko.pdf_utils import generic

    assert _speedups.installed()
    assert generic.read_hex_string_from_stream is _speedups.read_hex_string


@pytest.mark.parametrize("data", CASES)
def test_same_value_and_position_as_pyhanko(data):
    value, position = _fast(data)
    expected, expected_position = _original(data)
    assert value == expected
    assert type(value) is type(expected)
    assert position == expected_position


@pytest.mark.parametrize("data", BROKEN)
def test_same_error_as_pyhanko(data):
    with pytest.raises(Exception) as expected:
        _original(data)
    with pytest.raises(expected.type):
        _fast(data)
