"""Pastel: light, chalky colour with the paper showing through."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _chalk(image: pyvips.Image, whiten: float, softness: float, sharpen: float = 0) -> pyvips.Image:
    rgb = kit.colour(image)
    # Muted and mixed with white on the reduced copy: both are per-pixel, so it is the same
    # picture as doing them at full size, for a fraction of the cost.
    muted = kit.saturate(kit.blur(kit.reduced(rgb), softness), 0.75)
    chalky = kit.to_uchar(muted * (1 - whiten) + 255 * whiten)  # chalk is mixed with white
    if sharpen:  # on the reduced copy too: the chalk's own edges, not the photo's grain
        chalky = kit.unsharp(chalky, 1.0, sharpen)
    return kit.as_srgb(kit.back_to(chalky, rgb))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Light, soft, muted colour."""
    return _chalk(image, 0.4, 1.5)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Chalk on toothed paper: the grain breaks the colour and lets white through."""
    chalk = _chalk(image, 0.35, 1.2)
    tooth = kit.grain(chalk, 45, coarseness=1.5)
    return kit.as_srgb(chalk + kit.curve(tooth, lambda x: abs(x - 0.5) * 0.8))


@kit.half_size_when_large
def artistic(image: pyvips.Image) -> pyvips.Image:
    """Chalk with soft strokes along the outlines, sharpened."""
    chalk = _chalk(image, 0.35, 1.0, sharpen=0.6)
    outline = kit.dog_lines(kit.luminance(image), 1.0 * kit.scale_of(image), 2.5)
    return kit.as_srgb(kit.shade(chalk, kit.curve(outline, lambda x: 0.55 + 0.45 * x)))
