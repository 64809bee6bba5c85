"""Acrylic: flat, saturated colour areas with crisp edges."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _flat(image: pyvips.Image, levels: int, saturation: float, radius: int) -> pyvips.Image:
    rgb = kit.colour(image)
    small = kit.reduced(rgb)
    smooth = kit.kuwahara(small, radius) if radius else kit.blur(small, 1.5)
    # Posterised after scaling back, so region boundaries are hard at full resolution.
    vivid = kit.saturate(kit.back_to(smooth, rgb), saturation)
    return kit.as_srgb(kit.posterise(vivid, levels))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Smoothed, saturated, posterised into flat areas."""
    return _flat(image, 5, 1.5, 0)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Edge-preserving smoothing first, so areas follow the shapes; thin dark edges between them."""
    flat = _flat(image, 5, 1.5, 2)
    edges = kit.dog_lines(kit.luminance(flat), 1.0 * kit.scale_of(image), 3)
    return kit.as_srgb(flat * (edges.cast("float") / 255))


def artistic(image: pyvips.Image) -> pyvips.Image:
    """More levels and more colour, with the detail sharpened."""
    flat = _flat(image, 6, 1.8, 2)
    return kit.as_srgb(kit.unsharp(flat, 1.0 * kit.scale_of(image), 0.7))
