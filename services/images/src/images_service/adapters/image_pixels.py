"""The pixel half of an image's insight (palette, placeholder) from a tiny thumbnail.

libvips' thumbnail_source shrinks on load (a JPEG is decoded at 1/8 scale, a WebP or HEIF at the
size asked for) and reads sequentially, so the cost stays a few tens of milliseconds for a 16 MB
JPEG. It runs after the header checks, so the same pixel limits hold, and with the transformer's
`fail_on`: a file whose pixels cannot be decoded raises UndecodablePixels. HEIF with HEVC goes
through pillow-heif, as in the transformer (the bundled libvips has no HEVC decoder).

One decode at a time per process (DECODES). Shrink-on-load does not shrink everything: a
progressive JPEG is decoded through libjpeg's whole-image coefficient buffer whatever the scale
asked for, 36 MB for a 12 MP camera photo at 4:2:0 and 72 MB at 4:4:4 (measured with
bench/platform_bench.py's photos), so N such uploads at once held N times that. The decode is
CPU work on the thread pool: one after the other costs little throughput on a service that
shares its cores, and bounds the peak to one decode's.
"""

import threading
from typing import BinaryIO

import blurhash
import pyvips
from PIL import Image

from images_service.adapters.content_sniffing import source_for
from images_service.domain.insight import PaletteColour

THUMBNAIL_SIZE = 64
PALETTE_SIZE = 5
# 4x3 components: enough for a placeholder's soft shapes, and a short string (28 characters).
BLURHASH_COMPONENTS = (4, 3)
FAIL_ON = "truncated"
DECODES = threading.BoundedSemaphore(1)


class UndecodablePixels(Exception):
    """The header was fine but the pixels could not be decoded."""


def _vips_thumbnail(file: BinaryIO) -> Image.Image:
    file.seek(0)
    source = source_for(file)  # referenced until the pixels are read: libvips calls back into it
    thumb = pyvips.Image.thumbnail_source(
        source, THUMBNAIL_SIZE, height=THUMBNAIL_SIZE, option_string=f"fail_on={FAIL_ON}"
    )
    if thumb.hasalpha():  # a palette of what shows: transparent areas count as the white page
        thumb = thumb.flatten(background=[255] * (thumb.bands - 1))
    thumb = thumb.colourspace("srgb").cast("uchar")
    pixels = thumb.write_to_memory()
    del source
    return Image.frombytes("RGB", (thumb.width, thumb.height), pixels)


def _hevc_thumbnail(file: BinaryIO) -> Image.Image:
    # Imported on the first HEVC upload: libheif and its codecs cost this process ~2.5 MB,
    # held for good, where most uploads are JPEG, PNG or WebP.
    import pillow_heif

    file.seek(0)
    heif = pillow_heif.open_heif(file.read(), convert_hdr_to_8bit=True)
    image = heif.to_pillow()
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if image.mode == "RGBA":
        page = Image.new("RGB", image.size, (255, 255, 255))
        page.paste(image, mask=image.getchannel("A"))
        return page
    return image.convert("RGB")


def thumbnail(file: BinaryIO, hevc: bool) -> Image.Image:
    try:
        with DECODES:
            return _hevc_thumbnail(file) if hevc else _vips_thumbnail(file)
    except (pyvips.Error, ValueError, RuntimeError, OSError) as exc:
        raise UndecodablePixels(str(exc).strip().splitlines()[0] if str(exc) else "") from exc
    finally:
        file.seek(0)


def palette(image: Image.Image) -> tuple[PaletteColour, ...]:
    """The dominant colours by median cut (Pillow's quantize), largest share first."""
    quantized = image.quantize(colors=PALETTE_SIZE, method=Image.Quantize.MEDIANCUT)
    colours = quantized.getpalette() or []
    # A palette image counts palette indices (ints); the isinstance only narrows Pillow's type.
    counts = sorted(
        ((count, index) for count, index in quantized.getcolors() or [] if isinstance(index, int)),
        reverse=True,
    )
    total = image.width * image.height
    return tuple(
        PaletteColour(
            hex="#{:02x}{:02x}{:02x}".format(*colours[index * 3 : index * 3 + 3]),
            share=round(count / total, 3),
        )
        for count, index in counts
    )


def placeholder(image: Image.Image) -> str:
    # A copy: blurhash-python closes the image it is given.
    return str(blurhash.encode(image.copy(), *BLURHASH_COMPONENTS))
