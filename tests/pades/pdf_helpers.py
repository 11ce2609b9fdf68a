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


# ------------------------------------------------------------- appearance streams, read back

_TOKEN = re.compile(
    rb"\s*(?:(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))|(?P<name>/[^\s/\[\]()<>{}%]*)"
    rb"|(?P<str>\()|(?P<hex><[0-9A-Fa-f\s]*>)|(?P<dict><<|>>)|(?P<arr>[\[\]])"
    rb"|(?P<op>[A-Za-z'\"*][A-Za-z0-9'\"*]*)|(?P<comment>%[^\r\n]*))"
)


def _read_string(data: bytes, pos: int) -> tuple[bytes, int]:
    depth, out = 1, bytearray()
    while depth:
        c = data[pos : pos + 1]
        pos += 1
        if c == b"\\":
            out += data[pos : pos + 1]
            pos += 1
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if not depth:
                break
        out += c
    return bytes(out), pos


def content_operations(data: bytes):
    """(operator, operands) of a content stream; strings as bytes, arrays as lists."""
    pos, operands, stack = 0, [], []
    while pos < len(data):
        m = _TOKEN.match(data, pos)
        if m is None or m.end() == pos:
            pos += 1
            continue
        pos = m.end()
        if m.group("num"):
            value: object = float(m.group("num"))
        elif m.group("name"):
            value = m.group("name").decode("latin-1")
        elif m.group("str"):
            value, pos = _read_string(data, pos)
        elif m.group("hex"):
            value = bytes.fromhex(m.group("hex")[1:-1].decode().replace(" ", "") or "")
        elif m.group("arr") == b"[":
            stack.append(operands)
            operands = []
            continue
        elif m.group("arr") == b"]":
            value, operands = operands, stack.pop()
        elif m.group("dict") or m.group("comment"):
            continue
        else:
            yield m.group("op").decode("latin-1"), operands
            operands = []
            continue
        operands.append(value)


def _mul(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def drawn_text(stream, ctm=(1, 0, 0, 1, 0, 0), *, origins: bool = False) -> list[tuple]:
    """Every text shown by a form XObject and the XObjects it draws: (text, size on the page
    in points), the size being the font size through the text matrix and every transformation
    (the height a glyph's em square gets on the page). ``origins`` adds the x, y where each
    text starts, in the stream's outer coordinates."""
    out: list[tuple] = []
    resources = stream.get("/Resources")
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    stack = []
    tm = tlm = (1, 0, 0, 1, 0, 0)
    size = 0.0
    leading = 0.0
    for op, args in content_operations(stream.data):
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _mul(tuple(args), ctm)
        elif op == "BT":
            tm = tlm = (1, 0, 0, 1, 0, 0)
        elif op == "Tf":
            size = float(args[1])
        elif op == "TL":
            leading = float(args[0])
        elif op == "Tm":
            tm = tlm = tuple(args)
        elif op in ("Td", "TD"):
            tm = tlm = _mul((1, 0, 0, 1, args[0], args[1]), tlm)
        elif op in ("T*", "'", '"'):
            tm = tlm = _mul((1, 0, 0, 1, 0, -leading), tlm)
        if op in ("Tj", "TJ", "'", '"'):
            parts = args[-1] if op != "TJ" else [a for a in args[0] if isinstance(a, bytes)]
            text = (
                parts.decode("latin-1")
                if isinstance(parts, bytes)
                else b"".join(parts).decode("latin-1")
            )
            a, b, c, d, x, y = _mul(tm, ctm)
            scale = size * (c * c + d * d) ** 0.5
            out.append((text, scale, x, y) if origins else (text, scale))
        elif op == "Do":
            child = xobjects[args[0]].get_object()
            if child.get("/Subtype") == "/Form":
                matrix = tuple(float(v) for v in child.get("/Matrix", (1, 0, 0, 1, 0, 0)))
                out += drawn_text(child, _mul(matrix, ctm), origins=origins)
    return out


def widget_texts(pdf: bytes, *, origins: bool = False) -> dict[str, list[tuple]]:
    """The text each signature widget's normal appearance draws, with its size on the page.

    The appearance is mapped onto the widget's /Rect (ISO 32000-1, 12.5.5): its /BBox, through
    its /Matrix, is scaled to the rectangle, so that scale is part of the size too.
    """
    reader = PdfFileReader(BytesIO(pdf))
    out: dict[str, list[tuple[str, float]]] = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") != "/Sig" or "/AP" not in field:
            continue
        ap = field["/AP"]["/N"].get_object()
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        bx1, by1, bx2, by2 = (float(v) for v in ap["/BBox"])
        matrix = tuple(float(v) for v in ap.get("/Matrix", (1, 0, 0, 1, 0, 0)))
        corners = [_mul((1, 0, 0, 1, x, y), matrix)[4:] for x, y in ((bx1, by1), (bx2, by2))]
        width = abs(corners[1][0] - corners[0][0]) or 1
        height = abs(corners[1][1] - corners[0][1]) or 1
        fit = (abs(x2 - x1) / width, 0, 0, abs(y2 - y1) / height, 0, 0)
        out[field["/T"]] = drawn_text(ap, _mul(matrix, fit), origins=origins)
    return out


def text_in_area(pdf: bytes, page: int, rect: tuple[float, float, float, float]) -> str:
    """What ``pdftotext`` (poppler) extracts from ``rect`` (PDF points) of ``page`` (0-based),
    marks of signature widgets included, with runs of whitespace as one space."""
    reader = PdfFileReader(BytesIO(pdf))
    page_ref, _ = reader.find_page_for_modification(page)
    height = float(page_ref.get_object()["/MediaBox"][3])
    x1, y1, x2, y2 = rect
    out = subprocess.run(
        ["pdftotext", "-f", str(page + 1), "-l", str(page + 1)]
        + ["-x", str(int(x1) + 1), "-y", str(int(height - y2))]
        + ["-W", str(int(x2 - x1) - 1), "-H", str(int(y2 - y1)), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(out.stdout.decode().split())


def text_in_field(pdf: bytes, field_name: str) -> str:
    """pdftotext of the area of the signature field ``field_name``."""
    from signing.pades.fields import list_signature_fields

    field = next(f for f in list_signature_fields(pdf) if f.name == field_name)
    return text_in_area(pdf, field.page, field.rect)
