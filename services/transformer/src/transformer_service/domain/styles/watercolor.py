"""Watercolour: soft colour regions bleeding into each other on white paper."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _washes(
    image: pyvips.Image, bleed: float, levels: int, saturation: float = 1.25, rims: bool = False
) -> pyvips.Image:
    """Colour smoothed on a reduced copy, pooled into a few tones, bled softly and lightened."""
    rgb = kit.colour(image)
    small = kit.reduced(rgb, 320)
    pooled = kit.posterise(kit.blur(small, 2), levels)
    bled = kit.blur(pooled, bleed)
    light = kit.curve(bled, lambda x: 0.22 + 0.78 * x**0.8)  # pigment thinned by water
    washes = kit.saturate(light, saturation)
    if rims:  # darker pigment pooled at each region's edge: soft, so drawn on the reduced copy
        washes = washes.copy_memory()
        edges = kit.dog_lines(kit.luminance(washes), 1.0, 2.5)
        washes = kit.shade(washes, edges)
    return kit.as_srgb(kit.back_to(washes, rgb))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Soft washes of the photo's colours."""
    return _washes(image, 1.5, 8)


@kit.half_size_when_large
def advanced(image: pyvips.Image) -> pyvips.Image:
    """Washes with paper texture and darker pigment pooled at the edges of each region."""
    washes = _washes(image, 1.2, 7, rims=True)
    # The paper's texture as a one-band mask from 0.74 to 1 (the grain, one lookup table).
    paper = kit.curve(kit.grain(washes, 18, coarseness=2.5), lambda x: (0.85 + 0.3 * x) / 1.15)
    return kit.as_srgb(kit.shade(washes, paper))


@kit.half_size_when_large
def artistic(image: pyvips.Image) -> pyvips.Image:
    """Washes under a loose pen outline, more saturated."""
    washes = _washes(image, 1.0, 9, saturation=1.25 * 1.2)
    outline = kit.dog_lines(kit.luminance(image), 1.2 * kit.scale_of(image), 3)
    return kit.as_srgb(kit.shade(washes, kit.curve(outline, lambda x: x**1.5)))
