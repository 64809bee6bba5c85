"""Watercolour: soft colour regions bleeding into each other on white paper."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _washes(image: pyvips.Image, bleed: float, levels: int) -> pyvips.Image:
    """Colour smoothed on a reduced copy, pooled into a few tones, bled softly and lightened."""
    rgb = kit.colour(image)
    small = kit.reduced(rgb, 320)
    pooled = kit.posterise(kit.blur(small, 2), levels)
    bled = kit.blur(pooled, bleed)
    light = kit.curve(bled, lambda x: 0.22 + 0.78 * x**0.8)  # pigment thinned by water
    return kit.as_srgb(kit.back_to(kit.saturate(light, 1.25), rgb))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Soft washes of the photo's colours."""
    return _washes(image, 1.5, 8)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Washes with paper texture and darker pigment pooled at the edges of each region."""
    washes = _washes(image, 1.2, 7)
    grey = kit.luminance(washes)
    rims = kit.dog_lines(grey, 2.0 * kit.scale_of(image), 2.5).cast("float") / 255
    paper = kit.grain(washes, 18, coarseness=2.5).cast("float") / 128
    return kit.as_srgb(washes * rims * (0.85 + 0.15 * paper))


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Washes under a loose pen outline, more saturated."""
    washes = kit.saturate(_washes(image, 1.0, 9), 1.2)
    outline = kit.dog_lines(kit.luminance(image), 1.2 * kit.scale_of(image), 3)
    return kit.as_srgb(washes * (outline.cast("float") / 255) ** 1.5)
