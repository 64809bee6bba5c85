"""Charcoal: dark, broad, grainy strokes; darker and rougher than pencil."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _edges(grey: pyvips.Image, scale: float, softness: float) -> pyvips.Image:
    """Edge strength as dark strokes on white (replicated padding: the frame is not an edge)."""
    sigma = softness * scale
    if sigma <= kit.WIDE_SIGMA:
        return kit.curve(_sobel(kit.blur(grey, sigma)), lambda x: 1 - 2 * x)
    # Broad strokes: the blurred copy is smooth, so its edges are found on the shrunk copy the
    # blur works on anyway (gradients there are `factor` times steeper per pixel, hence the
    # curve's slope) and scaled back once, instead of a full-size blur and a full-size Sobel.
    factor = max(2, round(sigma / kit.NARROW_SIGMA))
    small = grey.shrink(factor, factor).gaussblur(kit.NARROW_SIGMA, precision="integer")
    edges = kit.curve(_sobel(small), lambda x: 1 - 2 * x / factor)
    return kit.back_to(edges, grey)


def _sobel(soft: pyvips.Image) -> pyvips.Image:
    width, height = soft.width, soft.height
    padded = soft.embed(3, 3, width + 6, height + 6, extend="copy")
    return padded.sobel().crop(3, 3, width, height)


def _drawing(
    image: pyvips.Image, grit: float, smudge: float, softness: float = 1.2
) -> pyvips.Image:
    grey, scale = kit.luminance(image).copy_memory(), kit.scale_of(image)
    # Charcoal lays down tone, not just outlines: a dark wash of the shapes under the strokes.
    wash = kit.curve(
        kit.back_to(kit.blur(kit.reduced(grey), 2), grey), lambda x: 0.25 + 0.75 * x**1.2
    )
    tone = kit.shade(_edges(grey, scale, softness), wash)
    if smudge:  # a finger smudges the strokes; the paper's grain stays on top
        tone = kit.blur(tone, smudge * scale)
    # Grain scaled by a lookup table (one pass), then laid over the tone.
    grain = kit.curve(kit.grain(grey, 40, coarseness=1.2), lambda x: 0.5 + (x - 0.5) * grit)
    return kit.as_grey(tone + grain - 128)


def basic(image: pyvips.Image) -> pyvips.Image:
    """Sobel edges over a dark tonal wash, with charcoal grain."""
    return _drawing(image, grit=0.6, smudge=0)


def advanced(image: pyvips.Image) -> pyvips.Image:
    """Smudged with a finger: softer strokes, heavier grain in the tone."""
    # The smudge is in the strokes themselves (broader, softer edges), not a blur pass after.
    return _drawing(image, grit=0.9, smudge=0, softness=2.2)


def artistic(image: pyvips.Image) -> pyvips.Image:
    """Crisp, high-contrast strokes: narrow edges (sharper than an unsharp mask of the broad
    ones, for a third of the cost) and deeper blacks."""
    drawing = _drawing(image, grit=0.7, smudge=0, softness=0.6)
    return kit.as_grey(kit.curve(drawing, lambda x: x**1.5))
