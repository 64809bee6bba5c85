"""Pencil: graphite-grey strokes on white paper."""

import numpy as np
import pyvips

from transformer_service.domain.styles import toolkit as kit


def _strokes(image: pyvips.Image, sigma: float) -> pyvips.Image:
    grey = kit.luminance(image).copy_memory()
    # The dodge alone is faint: a gamma darkens strokes to graphite, and a light tonal wash keeps
    # shadows a soft grey so the drawing does not vanish into the paper.
    strokes = kit.curve(
        kit.dodge(grey, sigma * kit.scale_of(image)),
        lambda x: np.clip((x - 0.1) / 0.85, 0, 1) ** 1.8,
    )
    wash = kit.curve(
        kit.back_to(kit.blur(kit.reduced(grey), 3), grey), lambda x: 1 - 0.3 * (1 - x) ** 2
    )
    return kit.as_grey(kit.shade(strokes, wash))


def basic(image: pyvips.Image) -> pyvips.Image:
    """Edges traced by a colour dodge."""
    return _strokes(image, 6)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Strokes plus paper grain that shows in the shaded areas, as graphite catches the tooth."""
    drawing = _strokes(image, 5)
    paper = kit.grain(drawing, 22, coarseness=1.5)
    # 0 on paper, 0.6 in the darkest strokes: how much of the grain shows.
    shade = kit.curve(drawing, lambda x: 0.6 * (1 - x))
    return kit.as_grey(drawing - kit.shade(paper.invert(), shade))


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Finer, sharper detail: a narrow dodge, sharpened and given more contrast."""
    drawing = kit.unsharp(_strokes(image, 3), 1.0 * kit.scale_of(image), 0.8)
    return kit.as_grey(kit.curve(drawing, lambda x: x**1.3))
