"""Encoding the result: one saver per output format, metadata policy, output bounds."""

from dataclasses import dataclass

import pyvips

from platform_common.transform_spec import OutputOptions
from transformer_service.domain.errors import OutputTooLarge
from transformer_service.domain.limits import Limits
from transformer_service.domain.privacy import without_position

Keep = pyvips.enums.ForeignKeep


@dataclass(frozen=True)
class EncoderSettings:
    """CPU the encoders may spend for smaller files (libvips `effort`). AVIF is the slow one:
    at effort 0 (imgproxy's default speed 9) a large AVIF is several times faster to make than
    at 4, for files a few percent larger. On-the-fly renders use the fast settings. WebP's
    preset tunes libwebp's filters for the kind of picture ("photo": the platform's usual
    input, about 1% smaller than "default" at the same quality and effort)."""

    avif_effort: int = 2
    webp_effort: int = 4
    webp_preset: str = "photo"


def keep_flags(options: OutputOptions) -> int:
    """Strip EXIF/XMP/IPTC by default (privacy: GPS, camera serials) but keep the ICC profile,
    without which colours shift on wide-gamut photos."""
    if not options.strip_metadata:
        return Keep.ALL
    return Keep.ICC if options.keep_icc else Keep.NONE


def check_output_pixels(image: pyvips.Image, limits: Limits) -> None:
    if image.width * image.height > limits.max_output_pixels:
        raise OutputTooLarge(
            f"the result would be {image.width}x{image.height} "
            f"({image.width * image.height / 1e6:.1f} MP); "
            f"the limit is {limits.max_output_pixels / 1e6:.0f} MP"
        )


def _flatten(image: pyvips.Image) -> pyvips.Image:
    # JPEG has no alpha: composite over white rather than letting transparent areas go black.
    if not image.hasalpha():
        return image
    return image.flatten(background=[255] * (image.bands - 1)).cast("uchar")


def save(image: pyvips.Image, fmt: str, options: OutputOptions, encoder: EncoderSettings) -> bytes:
    keep, quality = keep_flags(options), options.quality
    if not options.strip_metadata:
        image = without_position(image)  # kept metadata never carries where the photo was taken
    match fmt:
        case "jpeg":
            return _flatten(image).jpegsave_buffer(Q=quality, keep=keep)
        case "png":
            return image.pngsave_buffer(
                compression=options.png_compression,
                palette=options.png_palette,
                Q=quality,
                keep=keep,
            )
        case "webp":
            return image.webpsave_buffer(
                Q=quality,
                lossless=options.lossless,
                effort=encoder.webp_effort,
                preset=encoder.webp_preset,
                keep=keep,
            )
        case "avif":
            return image.heifsave_buffer(
                Q=quality,
                lossless=options.lossless,
                compression="av1",
                effort=encoder.avif_effort,
                keep=keep,
            )
        case "gif":
            return image.gifsave_buffer(keep=keep)
        case "tiff":
            lossy = not options.lossless and not image.hasalpha()
            compression = "jpeg" if lossy else "deflate"
            return image.tiffsave_buffer(compression=compression, Q=quality, keep=keep)
    raise ValueError(f"no saver for {fmt}")


def encode(
    image: pyvips.Image,
    fmt: str,
    options: OutputOptions,
    limits: Limits,
    encoder: EncoderSettings | None = None,
) -> bytes:
    check_output_pixels(image, limits)
    data = save(image, fmt, options, encoder or EncoderSettings())
    if len(data) > limits.max_output_bytes:
        raise OutputTooLarge(
            f"the encoded result is {len(data):,} bytes; the limit is {limits.max_output_bytes:,}"
        )
    return data
