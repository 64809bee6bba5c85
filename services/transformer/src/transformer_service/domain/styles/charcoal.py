"""Charcoal: dark, broad, grainy strokes; darker and rougher than pencil."""

import pyvips

from transformer_service.domain.styles import toolkit as kit


def _edges(grey: pyvips.Image, scale: float, softness: float) -> pyvips.Image:
    """Edge strength as dark strokes on white (replicated padding: the frame is not an edge)."""
    width, height = grey.width, grey.height
    soft = kit.blur(grey, softness * scale).embed(3, 3, width + 6, height + 6, extend="copy")
    edges = soft.sobel().crop(3, 3, width, height)
    return kit.curve(edges, lambda x: 1 - 2 * x)


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
