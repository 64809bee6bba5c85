"""Acrylic: flat, saturated colour areas with crisp edges."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _flat(
    image: pyvips.Image,
    levels: int,
    saturation: float,
    radius: int,
    sharpen: float = 0,
    edges: bool = False,
) -> pyvips.Image:
    rgb = kit.colour(image)
    # Kuwahara costs per pixel of its input: 400 px is enough for areas a posterise makes flat.
    small = kit.reduced(rgb, 400 if radius else kit.REDUCED_SIZE)
    smooth = kit.kuwahara(small, radius) if radius else kit.blur(small, 1.5)
    vivid = kit.saturate(smooth, saturation)  # on the reduced copy: a 3x3 recomb is dear at 12 MP
    if sharpen:  # at the size of the colour areas, where the sharpening is seen, for a tenth
        vivid = kit.unsharp(vivid, 1.0, sharpen)
    if edges:  # dark edges between the areas, drawn at their size; the posterise keeps them crisp
        vivid = vivid.copy_memory()
        vivid = kit.shade(vivid, kit.dog_lines(kit.luminance(vivid), 0.7, 4))
    # Posterised after scaling back, so region boundaries are hard at full resolution.
    return kit.as_srgb(kit.posterise(kit.back_to(vivid, rgb), levels))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Smoothed, saturated, posterised into flat areas."""
    return _flat(image, 5, 1.5, 0)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Edge-preserving smoothing first, so areas follow the shapes; thin dark edges between them."""
    return _flat(image, 5, 1.5, 2, edges=True)


def artistic(image: pyvips.Image) -> pyvips.Image:
    """More levels and more colour, with the detail sharpened."""
    return _flat(image, 6, 1.8, 2, sharpen=0.7)
