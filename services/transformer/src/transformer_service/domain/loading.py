"""Decoding untrusted bytes safely: header first, limits, then pixels.

Nothing is decoded until the header has been read and checked against the limits, the loader is
one of a short allow-list (libvips can read far more formats than an image service should accept),
and every decode uses fail_on="truncated" so a damaged file fails instead of yielding grey rows.
"""

from dataclasses import dataclass

import pyvips

from transformer_service.domain.errors import (
    SourceCorrupt,
    SourceTooLarge,
    UnsupportedFormat,
)
from transformer_service.domain.heif import HEIF_LOADER, decode_hevc, is_hevc
from transformer_service.domain.limits import Limits

# libvips buffer loader class -> our format name. Everything else (SVG, PDF, FITS, raw matrices,
# vips files, ...) is refused even if this libvips build could read it.
ALLOWED_LOADERS = {
    "VipsForeignLoadJpegBuffer": "jpeg",
    "VipsForeignLoadPngBuffer": "png",
    "VipsForeignLoadWebpBuffer": "webp",
    "VipsForeignLoadNsgifBuffer": "gif",
    "VipsForeignLoadTiffBuffer": "tiff",
    "VipsForeignLoadHeifBuffer": "heif",
}
FAIL_ON = "truncated"
SUPPORTED = "JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF"


@dataclass(frozen=True)
class SourceInfo:
    format: str
    width: int  # as displayed, after EXIF orientation
    height: int  # one frame's height
    frames: int
    orientation: int


def _loader_format(loader: str | None) -> str:
    if loader not in ALLOWED_LOADERS:
        raise UnsupportedFormat(f"the source is not an image in a supported format ({SUPPORTED})")
    return ALLOWED_LOADERS[loader]


def find_loader(data: bytes) -> str | None:
    """The libvips loader that would read these bytes (sniffed from the first bytes), or None."""
    pointer = pyvips.vips_lib.vips_foreign_find_load_buffer(data, len(data))
    if pointer == pyvips.ffi.NULL:
        pyvips.vips_lib.vips_error_clear()
        return None
    return pyvips.ffi.string(pointer).decode()


def _field(image: pyvips.Image, name: str, default: int) -> int:
    return int(image.get(name)) if name in image.get_fields() else default


def probe(data: bytes, limits: Limits) -> SourceInfo:
    """Read the header only and refuse anything over the limits before decoding pixels."""
    if not data:
        raise SourceCorrupt("the source is empty (0 bytes)")
    if len(data) > limits.max_source_bytes:
        raise SourceTooLarge(
            f"the source is {len(data):,} bytes; the limit is {limits.max_source_bytes:,}"
        )
    fmt = _loader_format(find_loader(data))
    try:
        header = pyvips.Image.new_from_buffer(data, "", access="sequential")
    except pyvips.Error as exc:
        raise SourceCorrupt(f"the {fmt} source has a damaged header: {_reason(exc)}") from exc
    # HEVC images decode one (the primary) image; sequences are not animations here.
    frames = 1 if is_hevc(header) else _field(header, "n-pages", 1)
    orientation = _field(header, "orientation", 1)
    width, height = header.width, header.height
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    check_pixels(width, height, 1, limits)
    return SourceInfo(fmt, width, height, frames, orientation)


def check_pixels(width: int, height: int, frames: int, limits: Limits) -> None:
    pixels = width * height * frames
    if pixels > limits.max_source_pixels:
        described = f"{width}x{height}" + (f" x {frames} frames" if frames > 1 else "")
        raise SourceTooLarge(
            f"the source is {described} ({pixels / 1e6:.1f} MP); "
            f"the limit is {limits.max_source_pixels / 1e6:.0f} MP"
        )


def _reason(exc: pyvips.Error) -> str:
    lines = [line for line in (exc.detail or exc.message).splitlines() if line.strip()]
    return lines[0] if lines else exc.message


def decode_error(exc: pyvips.Error) -> SourceCorrupt:
    """A libvips failure while pixels flow is (for an accepted header) a damaged source."""
    return SourceCorrupt(f"the source could not be decoded: {_reason(exc)}")


def _needs_hevc_decoder(data: bytes) -> bool:
    if find_loader(data) != HEIF_LOADER:
        return False
    return is_hevc(pyvips.Image.new_from_buffer(data, "", access="sequential"))


def load(data: bytes, frames: int = 1, access: str = "sequential") -> pyvips.Image:
    """Lazy, streaming decode of the frames asked for (frames=-1: all of an animation)."""
    if _needs_hevc_decoder(data):
        return decode_hevc(data)
    options: dict[str, object] = {"n": frames} if frames != 1 else {}
    return pyvips.Image.new_from_buffer(data, "", access=access, fail_on=FAIL_ON, **options)


def load_thumbnail(data: bytes, width: int, **options: object) -> pyvips.Image:
    """Shrink-on-load: JPEG/WebP/HEIF decode at a fraction of full size. thumbnail_buffer ignores a
    fail_on keyword, so it goes to the loader through option_string."""
    if _needs_hevc_decoder(data):
        return decode_hevc(data).thumbnail_image(width, **options)
    return pyvips.Image.thumbnail_buffer(data, width, option_string=f"fail_on={FAIL_ON}", **options)
