"""Turn an uploaded photo or scan of a signature into a small PNG with a transparent background.

Checked before anything is decoded: the size in bytes, then the format and the dimensions from
the header (Pillow reads them without decoding the pixels), so a decompression bomb is refused
before it costs memory.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageChops, UnidentifiedImageError

from signing.workflow.refusals import CarriesRefusal

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


class SpecimenRejected(CarriesRefusal, ValueError):
    """The file cannot be a specimen; its refusal entry says why (``str()``: in Indonesian)."""


def prepare_specimen(data: bytes) -> tuple[bytes, int, int]:
    """Check ``data`` and return the stored PNG with its width and height.

    :raises SpecimenRejected: not a PNG or JPEG, more than 1 MB, too small or too large, or
        nothing left once the background is removed.
    """
    if not data:
        raise SpecimenRejected(refusal="specimen_empty")
    if len(data) > MAX_BYTES:
        raise SpecimenRejected(refusal="specimen_too_large", size=f"{len(data) / 1024 / 1024:.1f}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            kind = image.format
            width, height = image.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, ValueError):
        raise SpecimenRejected(refusal="specimen_unreadable") from None
    if kind not in _FORMATS:
        raise SpecimenRejected(refusal="specimen_format", format=kind)
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise SpecimenRejected(
            refusal="specimen_too_small_px",
            size=f"{width}x{height}",
            limit=f"{MIN_WIDTH}x{MIN_HEIGHT}",
        )
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise SpecimenRejected(
            refusal="specimen_too_large_px",
            size=f"{width}x{height}",
            limit=f"{MAX_WIDTH}x{MAX_HEIGHT}",
        )
    try:
        image.load()
    except (OSError, ValueError):
        raise SpecimenRejected(refusal="specimen_damaged") from None
    rgba = image.convert("RGBA")
    rgba = _paper_to_transparent(rgba)
    ink = rgba.getchannel("A").getbbox()
    if ink is None:
        raise SpecimenRejected(refusal="specimen_blank")
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
