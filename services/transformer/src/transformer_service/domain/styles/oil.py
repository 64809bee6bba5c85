"""Oil: thick painterly strokes from Kuwahara smoothing, colours kept rich."""

from collections.abc import Callable

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _paint(
    image: pyvips.Image,
    radius: int,
    size: int,
    saturation: float = 1.0,
    sharpen: float = 0,
    finish: Callable[[pyvips.Image], pyvips.Image] | None = None,
) -> pyvips.Image:
    """Painted on the reduced copy, every step (`finish` too), then scaled back once."""
    rgb = kit.colour(image)
    painted = kit.kuwahara(kit.reduced(rgb, size), radius)
    if saturation != 1.0:  # on the reduced copy: per pixel, the same look for far less work
        painted = kit.saturate(painted, saturation)
    if sharpen:  # the strokes' edges, sharpened at the strokes' own scale
        painted = kit.unsharp(painted, 1.0, sharpen)
    if finish:
        painted = finish(painted)
    return kit.as_srgb(kit.back_to(painted, rgb))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Kuwahara smoothing: flat strokes with sharp edges."""
    return _paint(image, 3, 640)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Strokes with impasto relief: light catching the ridges of thick paint."""
    return _paint(image, 3, 560, finish=_impasto)


def _impasto(paint: pyvips.Image) -> pyvips.Image:
    """Light from the top left on the ridges of the strokes, at the strokes' own scale."""
    paint = paint.copy_memory()  # read twice: for its relief and to be lit
    relief = pyvips.Image.new_from_list([[-1, -1, 0], [-1, 1, 1], [0, 1, 1]], offset=128)
    ridges = kit.blur(kit.luminance(paint), 0.8).conv(relief, precision="integer")
    relief_light = kit.curve(ridges, lambda x: 0.5 + (x - 0.5) * 0.6)  # one lookup table
    return kit.add_signed(paint, relief_light)


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Bolder strokes, richer colour, sharpened edges."""
    return _paint(image, 4, 520, saturation=1.35, sharpen=0.8)
