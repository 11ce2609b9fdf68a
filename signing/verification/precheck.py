"""A structural look at an upload before pyHanko reads it: refuse what would only burn CPU.

pyHanko finds the end of a PDF by reading its last lines *backwards, one byte at a time* (in
Python): a 20 MB file made of a single line costs it 12-14 s of CPU before it gives up, well
within the sandbox's time limit, so thirty such uploads a minute keep several cores busy. Here
the same end structure is checked with a regular expression over the last two kilobytes (a few
microseconds whatever the size), and the cross-reference the file points to is looked at
where it is claimed to be. A file that fails gets "Tidak dapat diperiksa: ..." without a
worker ever seeing it; a file that passes still goes through the sandbox with its limits.

What is required is what pyHanko requires, only checked cheaply: ``%PDF-`` in the first
kilobyte; within the last kilobyte (plus a margin), ``startxref`` at the start of a line, an
offset, and ``%%EOF`` at the start of the next line; an offset inside the file that points at a
cross-reference table (``xref``) or stream (``N G obj``); a first table section whose entries
fit in the file.
"""

from __future__ import annotations

import re

__all__ = ["structural_problem"]

#: pyHanko looks for %%EOF in the last 1024 bytes; the margin covers the lines before it.
_TAIL_BYTES = 2048
#: "startxref", the offset (on its own line, or on the keyword's as pyHanko also accepts) and
#: "%%EOF" at the start of a line; anything may follow (it lies in the tail, so is short).
_END = re.compile(
    rb"[\r\n]startxref[ \t\f\0]*(?:\r\n|\r|\n)?[ \t\f\0]*(\d{1,15})[ \t\f\0]*(?:\r\n|\r|\n)"
    rb"%%EOF.*\Z",
    re.DOTALL,
)
_XREF_TABLE = re.compile(rb"\s*xref\s+(\d{1,10})\s+(\d{1,10})\s")
_XREF_STREAM = re.compile(rb"\s*\d{1,10}\s+\d{1,5}\s+obj\b")
#: One entry of a cross-reference table: "nnnnnnnnnn ggggg n\r\n".
_ENTRY_BYTES = 20


def structural_problem(pdf: bytes) -> str | None:
    """Why ``pdf`` cannot be a readable PDF (Indonesian, for "Tidak dapat diperiksa: ..."),
    or None when its structure is plausible. Costs microseconds for any size."""
    if not pdf:
        return "berkas kosong."
    if b"%PDF-" not in pdf[:1024]:
        return "berkas bukan dokumen PDF."
    tail_start = max(0, len(pdf) - _TAIL_BYTES)
    # The last "startxref", at the start of a line that begins inside the tail: every line
    # pyHanko reads backwards is then short.
    keyword = pdf.rfind(b"startxref", tail_start)
    match = _END.match(pdf, keyword - 1) if keyword > tail_start else None
    if match is None:
        return (
            "struktur berkas tidak wajar: penutup PDF (startxref dan %%EOF pada baris "
            "tersendiri) tidak ada di akhir berkas."
        )
    offset = int(match.group(1))
    if offset >= keyword:
        return "struktur berkas tidak wajar: startxref menunjuk ke luar isi berkas."
    window = pdf[offset : offset + 64]
    table = _XREF_TABLE.match(window)
    if table is not None:
        count = int(table.group(2))
        if count * _ENTRY_BYTES > len(pdf) - offset:
            return (
                "struktur berkas tidak wajar: tabel referensi silang (xref) menyebut lebih "
                "banyak objek daripada isi berkas."
            )
        return None
    if _XREF_STREAM.match(window) is None:
        return (
            "struktur berkas tidak wajar: startxref tidak menunjuk ke tabel referensi silang "
            "(xref)."
        )
    return None
