"""Oil: thick painterly strokes from Kuwahara smoothing, colours kept rich."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _paint(image: pyvips.Image, radius: int, size: int) -> pyvips.Image:
    rgb = kit.colour(image)
    painted = kit.kuwahara(kit.reduced(rgb, size), radius)
    return kit.as_srgb(kit.back_to(painted, rgb))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Kuwahara smoothing: flat strokes with sharp edges."""
    return _paint(image, 3, 640)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Strokes with impasto relief: light catching the ridges of thick paint."""
    paint = _paint(image, 3, 560)
    relief = pyvips.Image.new_from_list([[-1, -1, 0], [-1, 1, 1], [0, 1, 1]], offset=128)
    ridges = kit.blur(kit.luminance(paint), 0.8 * kit.scale_of(image)).conv(
        relief, precision="integer"
    )
    return kit.as_srgb(paint + (ridges.cast("float") - 128) * 0.6)


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Bolder strokes, richer colour, sharpened edges."""
    paint = kit.saturate(_paint(image, 4, 520), 1.35)
    return kit.as_srgb(kit.unsharp(paint, 1.5 * kit.scale_of(image), 0.8))
