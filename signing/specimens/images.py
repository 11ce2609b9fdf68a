"""Turn an uploaded photo or scan of a signature into a small PNG with a transparent background.

Checked before anything is decoded: the size in bytes, then the format and the dimensions from
the header (Pillow reads them without decoding the pixels), so a decompression bomb is refused
before it costs memory.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageChops, UnidentifiedImageError

__all__ = ["MAX_BYTES", "SpecimenRejected", "prepare_specimen"]

#: Largest upload accepted.
MAX_BYTES = 1024 * 1024
#: Dimensions accepted, in pixels: big enough to be legible, small enough to decode safely.
MIN_WIDTH, MIN_HEIGHT = 60, 30
MAX_WIDTH, MAX_HEIGHT = 4000, 4000
#: The stored specimen is scaled down to fit this box: plenty for a mark a few cm wide.
STORED_BOX = (600, 300)
#: A pixel at least this light on every channel is background (paper), made transparent.
PAPER_LEVEL = 215
_FORMATS = {"PNG", "JPEG"}


class SpecimenRejected(ValueError):
    """The file cannot be a specimen; the message says why, in Indonesian."""


def prepare_specimen(data: bytes) -> tuple[bytes, int, int]:
    """Check ``data`` and return the stored PNG with its width and height.

    :raises SpecimenRejected: not a PNG or JPEG, more than 1 MB, too small or too large, or
        nothing left once the background is removed.
    """
    if not data:
        raise SpecimenRejected("Berkas kosong: pilih gambar PNG atau JPEG.")
    if len(data) > MAX_BYTES:
        raise SpecimenRejected(
            f"Berkas terlalu besar ({len(data) / 1024 / 1024:.1f} MB); batasnya 1 MB."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, ValueError):
        raise SpecimenRejected("Berkas bukan gambar PNG atau JPEG yang dapat dibaca.") from None
    if kind not in _FORMATS:
        raise SpecimenRejected(f"Format {kind} tidak diterima: gunakan PNG atau JPEG.")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise SpecimenRejected(
            f"Gambar terlalu kecil ({width}x{height} piksel); paling kecil "
            f"{MIN_WIDTH}x{MIN_HEIGHT} piksel."
        )
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise SpecimenRejected(
            f"Gambar terlalu besar ({width}x{height} piksel); paling besar "
            f"{MAX_WIDTH}x{MAX_HEIGHT} piksel."
        )
    try:
        image.load()
    except (OSError, ValueError):
        raise SpecimenRejected("Gambar rusak atau terpotong; unggah ulang berkasnya.") from None
    rgba = image.convert("RGBA")
    rgba = _paper_to_transparent(rgba)
    ink = rgba.getchannel("A").getbbox()
    if ink is None:
        raise SpecimenRejected(
            "Gambar tidak memuat goresan yang terlihat (seluruhnya putih atau transparan)."
        )
    rgba = rgba.crop(ink)
    rgba.thumbnail(STORED_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue(), rgba.width, rgba.height


def _paper_to_transparent(image: Image.Image) -> Image.Image:
    """Near-white pixels become fully transparent; the ink keeps its colour and alpha."""
    red, green, blue, alpha = image.split()
    paper = [
        channel.point(lambda v: 255 if v >= PAPER_LEVEL else 0) for channel in (red, green, blue)
    ]
    background = ImageChops.multiply(ImageChops.multiply(paper[0], paper[1]), paper[2])
    keep = background.point(lambda v: 0 if v else 255)
    image.putalpha(ImageChops.multiply(alpha, keep))
    return image
