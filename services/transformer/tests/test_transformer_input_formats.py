"""Input formats: HEIC decoded through pillow-heif, TIFFs as libvips and Pillow write them,
multi-page TIFFs. Every input is made here from a real photo, by the encoder named."""

import io

import numpy as np
import pillow_heif
import pytest
import pyvips
from PIL import Image

from transformer_service.domain.errors import SourceCorrupt, SourceTooLarge
from transformer_service.domain.limits import Limits

WEBP = {"format": "webp"}


def heic_of(photo_bytes: bytes) -> bytes:
    """A real HEIC (HEVC in HEIF, as phones write it), by libheif's x265 encoder."""
    picture = Image.open(io.BytesIO(photo_bytes)).convert("RGB")
    out = io.BytesIO()
    pillow_heif.from_pillow(picture).save(out, quality=85)
    assert out.getvalue()[4:12] == b"ftypheic"
    return out.getvalue()


def tiff_by_pillow(photo_bytes: bytes, compression: str) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes)).save(out, "TIFF", compression=compression)
    return out.getvalue()


def test_a_heic_transforms_to_webp_at_the_right_size(photo, transform, helpers) -> None:
    source = heic_of(photo("chelsea.png"))  # 451x300
    result = transform(source, {"operations": [{"op": "resize", "width": 200}], "output": WEBP})
    assert helpers.sniff(result.data) == "webp"
    assert (result.width, result.height) == (200, 133)
    decoded = helpers.decode(result.data)
    assert (decoded.width, decoded.height) == (200, 133)


def test_a_heic_keeps_its_picture(photo, transform, helpers) -> None:
    """Decoded for real: the pixels are the photo's (up to HEVC's loss), not grey or noise."""
    original = helpers.pixels(photo("chelsea.png")).astype(float)
    result = transform(heic_of(photo("chelsea.png")), {"output": {"format": "png"}})
    decoded = helpers.pixels(result.data).astype(float)
    assert decoded.shape == original.shape
    assert np.abs(decoded - original).mean() < 6


def test_a_heic_over_the_pixel_limit_is_refused_before_decoding(photo, transform) -> None:
    with pytest.raises(SourceTooLarge):
        transform(heic_of(photo("chelsea.png")), {}, limits=Limits(max_source_pixels=100_000))


def test_a_damaged_heic_is_source_corrupt(photo, transform) -> None:
    data = heic_of(photo("chelsea.png"))
    with pytest.raises(SourceCorrupt):
        transform(data[: len(data) // 2], {"output": WEBP})  # the HEVC stream cut in half


@pytest.mark.parametrize("kind", ["libvips", "pillow-lzw", "pillow-deflate"])
def test_tiffs_as_libvips_and_pillow_write_them(photo, transform, helpers, kind: str) -> None:
    png = photo("coffee.png")  # 600x400
    source = (
        pyvips.Image.new_from_buffer(png, "").tiffsave_buffer()
        if kind == "libvips"
        else tiff_by_pillow(
            png, {"pillow-lzw": "tiff_lzw", "pillow-deflate": "tiff_adobe_deflate"}[kind]
        )
    )
    if kind == "libvips":  # the kind a fixed-offset sniff refused: first IFD after the pixels
        assert int.from_bytes(source[4:8], "little") > 8
    result = transform(source, {"operations": [{"op": "resize", "width": 300}], "output": WEBP})
    assert (result.width, result.height) == (300, 200)
    exact = transform(source, {"output": {"format": "png"}})
    assert np.array_equal(helpers.pixels(exact.data), helpers.pixels(png))


def test_a_multi_page_tiff_transforms_its_first_page(photo, transform, helpers) -> None:
    """scikit-image's multipage.tif (two pages): documents are rendered from their first page."""
    source = photo("multipage.tif")
    first = pyvips.Image.new_from_buffer(source, "", page=0)
    assert pyvips.Image.new_from_buffer(source, "").get("n-pages") == 2
    result = transform(source, {"output": {"format": "png"}})
    assert np.array_equal(helpers.pixels(result.data), helpers.pixels(first))
