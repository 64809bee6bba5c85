"""The pixel half of an image's insight (palette, placeholder), read in a disposable process.

What runs inside the pixel process (adapters/pixel_decoder.py starts it): the upload's pixels
are the one part of an upload the API process does not need to touch, and the part where a
hostile file can crash or hang a decoder, and where memory peaks. libvips' thumbnail shrinks on
load (a JPEG is decoded at 1/8 scale, a WebP or HEIF at the size asked for) and reads
sequentially, but not everything shrinks: a progressive JPEG goes through libjpeg's whole-image
coefficient buffer whatever the scale, 36 MB for a 12 MP camera photo at 4:2:0 and 72 MB at 4:4:4
(bench/platform_bench.py's photos). In its own process that peak is held and given back there.

It runs after the API process's header checks, so the same pixel limits hold, and with the
transformer's `fail_on`: pixels that cannot be decoded raise UndecodablePixels. HEIF with HEVC
goes through pillow-heif, as in the transformer (the bundled libvips has no HEVC decoder).
"""

from dataclasses import dataclass

import blurhash
import pyvips
from PIL import Image

from images_service.adapters.memory import bound_process_memory
from images_service.domain.insight import PaletteColour

THUMBNAIL_SIZE = 64
PALETTE_SIZE = 5
# 4x3 components: enough for a placeholder's soft shapes, and a short string (28 characters).
BLURHASH_COMPONENTS = (4, 3)
FAIL_ON = "truncated"


class UndecodablePixels(Exception):
    """The header was fine but the pixels could not be decoded."""


@dataclass(frozen=True)
class PixelSource:
    """The upload's bytes, by reference (a file the process opens itself) or, when small, inline."""

    path: str | None
    data: bytes | None
    hevc: bool


@dataclass(frozen=True)
class PixelInsight:
    palette: tuple[PaletteColour, ...]
    placeholder: str


def start_pixel_process() -> None:
    """The pool's initializer: the API process's memory bounds (no libvips cache, big blocks
    given back when freed), one libvips thread, as the thumbnail is small, and the loaders
    libvips marks untrusted off, behind the API process's allow-list of formats."""
    bound_process_memory()
    pyvips.concurrency_set(1)
    pyvips.block_untrusted_set(True)


def _vips_thumbnail(source: PixelSource) -> Image.Image:
    if source.path is not None:
        vips_source = pyvips.Source.new_from_file(source.path)
    else:
        vips_source = pyvips.Source.new_from_memory(source.data)
    thumb = pyvips.Image.thumbnail_source(
        vips_source, THUMBNAIL_SIZE, height=THUMBNAIL_SIZE, option_string=f"fail_on={FAIL_ON}"
    )
    if thumb.hasalpha():  # a palette of what shows: transparent areas count as the white page
        thumb = thumb.flatten(background=[255] * (thumb.bands - 1))
    thumb = thumb.colourspace("srgb").cast("uchar")
    return Image.frombytes("RGB", (thumb.width, thumb.height), thumb.write_to_memory())


def _hevc_thumbnail(source: PixelSource) -> Image.Image:
    # Imported on the first HEVC upload: libheif and its codecs cost ~2.5 MB, where most
    # uploads are JPEG, PNG or WebP.
    import pillow_heif

    opened = source.path if source.path is not None else source.data
    image = pillow_heif.open_heif(opened, convert_hdr_to_8bit=True).to_pillow()
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if image.mode == "RGBA":
        page = Image.new("RGB", image.size, (255, 255, 255))
        page.paste(image, mask=image.getchannel("A"))
        return page
    return image.convert("RGB")


def read_pixel_insight(source: PixelSource) -> PixelInsight:
    try:
        small = _hevc_thumbnail(source) if source.hevc else _vips_thumbnail(source)
    except (pyvips.Error, ValueError, RuntimeError, OSError) as exc:
        raise UndecodablePixels(str(exc).strip().splitlines()[0] if str(exc) else "") from None
    return PixelInsight(palette=palette(small), placeholder=placeholder(small))


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
