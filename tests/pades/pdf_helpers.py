"""Small PDFs made with pyHanko's own writer (reportlab stays inside signing.documents)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

TITLE = b"KOMITMEN BERSAMA PTSP PRIMA"

#: The slots of a commitment: three signatures, one paraf, two witnesses.
FIELDS: dict[str, tuple[int, int, int, int]] = {
    "ttd_gubernur": (40, 300, 200, 380),
    "ttd_bupati": (215, 300, 375, 380),
    "ttd_ketua_dprd": (390, 300, 550, 380),
    "paraf_bupati": (215, 390, 275, 420),
    "saksi_wakil_gubernur": (40, 200, 200, 280),
    "saksi_ketua_dprd_provinsi": (215, 200, 375, 280),
}


def _font(writer, name: str = "/F1") -> generic.DictionaryObject:
    font = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Font"),
            pdf_name("/Subtype"): pdf_name("/Type1"),
            pdf_name("/BaseFont"): pdf_name("/Helvetica"),
        }
    )
    return generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name(name): writer.add_object(font)})}
    )


def commitment_pdf(fields: Iterable[tuple[str, tuple[int, int, int, int]]] | None = None) -> bytes:
    """One A4 page with a title (uncompressed, so tests can find it) and empty fields."""
    writer = PdfFileWriter()
    content = generic.StreamObject(stream_data=b"BT /F1 16 Tf 72 760 Td (" + TITLE + b") Tj ET")
    page = PageObject(
        contents=writer.add_object(content),
        media_box=generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
        resources=_font(writer),
    )
    writer.insert_page(page)
    for name, box in FIELDS.items() if fields is None else fields:
        append_signature_field(writer, SigFieldSpec(name, on_page=0, box=box))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfFileWriter()
    content = generic.StreamObject(stream_data=b"BT /F1 16 Tf 72 760 Td (RAHASIA) Tj ET")
    page = PageObject(
        contents=writer.add_object(content),
        media_box=generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
        resources=_font(writer),
    )
    writer.insert_page(page)
    writer.encrypt("pemilik", "pengguna")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def add_visible_text(pdf: bytes, text: bytes = b"TELAH DIUBAH") -> bytes:
    """An unsigned incremental update drawing text on page 1 (the classic shadow edit)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"BT /FX 20 Tf 72 600 Td (" + text + b") Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream), resources=_font(writer, "/FX"))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte(pdf: bytes, offset: int) -> bytes:
    data = bytearray(pdf)
    data[offset] ^= 0x20
    return bytes(data)


def appearance_bytes(pdf: bytes, field_name: str) -> bytes:
    """Decoded content of a field's normal appearance, nested form XObjects included."""
    reader = PdfFileReader(BytesIO(pdf))
    for field_ref in reader.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        if field.get("/T") == field_name:
            break
    else:
        raise KeyError(field_name)
    chunks: list[bytes] = []

    def walk(xobj, depth=0):
        chunks.append(xobj.data)
        resources = xobj.get("/Resources", generic.DictionaryObject())
        for sub in resources.get("/XObject", generic.DictionaryObject()).values():
            if depth < 5:
                walk(sub.get_object(), depth + 1)

    walk(field["/AP"]["/N"])
    return b"\n".join(chunks)


def pdfsig_blocks(path, nss_db: str) -> dict[str, dict[str, str]]:
    """pdfsig's report per signature field: {field: {"Signature Validation": ..., ...}}."""
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    blocks: dict[str, dict[str, str]] = {}
    for chunk in re.split(r"^Signature #\d+:\s*$", result.stdout, flags=re.M)[1:]:
        info = dict(re.findall(r"^[ \t]*- ([^:\n]+): (.*)$", chunk, flags=re.M))
        blocks[info["Signature Field Name"]] = info
    return blocks
