"""Real photographs for the end-to-end tests, and facts about encoded images.

The photos are the ones scikit-image ships inside its wheel (skimage/data: astronaut, coffee,
chelsea, rocket; public domain or CC0, see skimage/data/README.txt and the scikit-image docs), so
the tests never synthesise what they upload.
"""

from functools import cache
from pathlib import Path

import pyvips
import skimage.data

SAMPLE_DIR = Path(skimage.data.__file__).parent
PHOTOS = {
    "astronaut": "astronaut.png",  # 512x512, NASA, public domain
    "coffee": "coffee.png",  # 600x400, CC0
    "chelsea": "chelsea.png",  # 451x300, CC0
    "rocket": "rocket.jpg",  # 640x427 JPEG, NASA, public domain
}

# (offset, bytes) signatures; AVIF and HEIF share the ISO-BMFF 'ftyp' box and differ by brand.
_SIGNATURES = (
    ("jpeg", 0, b"\xff\xd8\xff"),
    ("png", 0, b"\x89PNG\r\n\x1a\n"),
    ("gif", 0, b"GIF8"),
    ("tiff", 0, b"II*\x00"),
    ("tiff", 0, b"MM\x00*"),
)


@cache
def photo_bytes(name: str) -> bytes:
    """The photo exactly as shipped (PNG or JPEG bytes)."""
    return (SAMPLE_DIR / PHOTOS[name]).read_bytes()


def photo_jpeg(name: str, quality: int = 90) -> bytes:
    return pyvips.Image.new_from_buffer(photo_bytes(name), "").jpegsave_buffer(Q=quality)


@cache
def photo_megapixels_jpeg(name: str, megapixels: float, quality: int = 88) -> bytes:
    """The photo upscaled (Lanczos) to about `megapixels`, as JPEG: a real photo at camera size."""
    image = pyvips.Image.new_from_buffer(photo_bytes(name), "")
    scale = (megapixels * 1_000_000 / (image.width * image.height)) ** 0.5
    return image.resize(scale, kernel="lanczos3").jpegsave_buffer(Q=quality)


def sniff_format(data: bytes) -> str | None:
    """The real format from the magic bytes, never from a header or a file name."""
    for name, offset, magic in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        # libvips may write the generic 'mif1' major brand and list avif among compatible brands.
        box_size = int.from_bytes(data[0:4], "big")
        if b"avif" in data[16:box_size]:
            return "avif"
        return "heif"
    return None


def dimensions(data: bytes) -> tuple[int, int]:
    """(width, height) read by libvips from the header."""
    image = pyvips.Image.new_from_buffer(data, "")
    return image.width, image.height


def channel_means(data: bytes) -> list[float]:
    image = pyvips.Image.new_from_buffer(data, "")
    stats = image.stats()
    return [stats(4, band + 1)[0] for band in range(image.bands)]
