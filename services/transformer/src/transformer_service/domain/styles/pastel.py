"""Pastel: light, chalky colour with the paper showing through."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _chalk(image: pyvips.Image, whiten: float, softness: float) -> pyvips.Image:
    rgb = kit.colour(image)
    soft = kit.back_to(kit.blur(kit.reduced(rgb), softness), rgb)
    muted = kit.saturate(soft, 0.75)
    return kit.as_srgb(muted * (1 - whiten) + 255 * whiten)  # chalk is mixed with white


def basic(image: pyvips.Image) -> pyvips.Image:
    """Light, soft, muted colour."""
    return _chalk(image, 0.4, 1.5)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Chalk on toothed paper: the grain breaks the colour and lets white through."""
    chalk = _chalk(image, 0.35, 1.2)
    tooth = kit.grain(chalk, 45, coarseness=1.5)
    return kit.as_srgb(chalk.cast("float") + (tooth.cast("float") - 128).abs() * 0.8)


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Chalk with soft strokes along the outlines, sharpened."""
    chalk = _chalk(image, 0.35, 1.0)
    outline = kit.dog_lines(kit.luminance(image), 1.5 * kit.scale_of(image), 2)
    stroked = chalk * (0.55 + 0.45 * outline.cast("float") / 255)
    return kit.as_srgb(kit.unsharp(kit.to_uchar(stroked), 1.0 * kit.scale_of(image), 0.6))
