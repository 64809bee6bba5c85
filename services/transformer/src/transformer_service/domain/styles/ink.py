"""Ink: high-contrast black lines on white, no grey wash and no blobs in flat dark areas."""

import numpy as np
import pyvips

from transformer_service.domain.styles import toolkit as kit

# From this scale up (a short side of 2000 px), fine lines are drawn at half size.
HALF_SIZE_SCALE = 2.0


def _hatching(grey: pyvips.Image) -> pyvips.Image:
    """Thin diagonal hatch lines (0) where the photo is in deep shadow, white (255) elsewhere:
    shadows read as shadows, as an ink artist draws them, never as solid black."""
    period = max(4, round(6 * kit.scale_of(grey)))
    # One period of the diagonal pattern, repeated: no per-pixel coordinate image at full size.
    xy = pyvips.Image.xyz(period, period)
    tile = (((xy[0] + xy[1]) % period) == 0).copy_memory()
    across, down = -(-grey.width // period), -(-grey.height // period)
    lines = tile.replicate(across, down).crop(0, 0, grey.width, grey.height)
    shadow = kit.blur(kit.reduced(grey), 2)
    deep = kit.zoom_to(shadow < 45, grey)
    return (lines & deep).invert()


def _lines(image: pyvips.Image, sigma: float, strength: float, cut: float) -> pyvips.Image:
    grey = kit.luminance(image).copy_memory()
    lines = kit.dog_lines(grey, sigma * kit.scale_of(image), strength)
    ink = kit.curve(lines, lambda x: np.where(x < cut, 0.0, 1.0))
    return kit.as_grey(ink & _hatching(grey))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Thresholded difference of Gaussians: pure black outlines."""
    return _lines(image, 1.5, 14, 0.75)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Bolder outlines plus fine detail lines, with a soft (XDoG-style) ink edge."""
    grey = kit.luminance(image).copy_memory()
    scale = kit.scale_of(image)
    # Bold lines are wide: drawn on a half-size copy and scaled back, for a quarter of the work.
    half = grey.shrink(2, 2)
    bold = kit.dog_lines(half, 1.25 * scale, 40)
    if scale < HALF_SIZE_SCALE:
        soft = kit.shade(kit.back_to(bold, grey), kit.dog_lines(grey, 1.0 * scale, 6))
    else:
        # On a large image the fine lines are wide enough to draw at half size too: both meet
        # there and are zoomed back once, without smoothing (a blur would thin the fine lines
        # away before the threshold); the threshold leaves steps of two pixels, too small to see.
        soft = kit.zoom_to(kit.shade(bold, kit.dog_lines(half, 0.5 * scale, 6)), grey)
    lines = kit.curve(soft, lambda x: np.where(x < 0.8, 0.0, 1.0))
    return kit.as_grey((lines & _hatching(grey)).cast("uchar"))


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Finer, denser strokes: a narrow difference of Gaussians pushed harder, so hatching-like
    detail shows as many thin lines (as a sharpened source would, without its extra blur)."""
    return _lines(image, 1.1, 12, 0.8)
