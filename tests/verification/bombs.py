"""Hostile PDFs built by hand: a decompression bomb and a nesting bomb."""

from __future__ import annotations

import io
import zlib


def object_stream_bomb(size: int) -> bytes:
    """A well-formed PDF whose catalog sits in an object stream that inflates to ``size`` bytes.

    The cross-reference is a stream (type 2 entry for the catalog), so any reader that opens the
    document must inflate the object stream to reach the catalog.
    """
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    header = b"1 0 "
    payload = zlib.compress(header + catalog + b" " * size, 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[2] = out.tell()
    out.write(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
    offsets[3] = out.tell()
    out.write(
        b"3 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(payload))
        + payload
        + b"\nendstream\nendobj\n"
    )
    offsets[4] = out.tell()

    def entry(kind: int, field2: int, field3: int) -> bytes:
        return bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")

    rows = (
        entry(0, 0, 65535)
        + entry(2, 3, 0)
        + entry(1, offsets[2], 0)
        + entry(1, offsets[3], 0)
        + entry(1, offsets[4], 0)
    )
    out.write(
        b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(rows)
        + rows
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[4])
    return out.getvalue()


def nesting_bomb(depth: int) -> bytes:
    """A catalog holding an array nested ``depth`` levels deep."""
    obj = b"[" * depth + b"]" * depth
    head = b"%PDF-1.7\n"
    offset = len(head)
    body = b"1 0 obj\n<< /Type /Catalog /X " + obj + b" >>\nendobj\n"
    xref = offset + len(body)
    return (
        head
        + body
        + b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % offset
        + b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    )


def wide_array_bomb(count: int) -> bytes:
    """A catalog holding an array of ``count`` integers: small on disk, millions of objects
    in a parser's memory (pyHanko's decode limits do not apply: nothing is compressed)."""
    obj = b"[" + b"0 " * count + b"]"
    head = b"%PDF-1.7\n"
    offset = len(head)
    body = b"1 0 obj\n<< /Type /Catalog /X " + obj + b" >>\nendobj\n"
    xref = offset + len(body)
    return (
        head
        + body
        + b"xref\n0 2\n0000000000 65535 f \n%010d 00000 n \n" % offset
        + b"trailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    )
