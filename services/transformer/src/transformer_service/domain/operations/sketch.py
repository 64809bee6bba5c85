"""Sketch styles: pencil, charcoal and ink, each a one-band drawing of the photo.

Stroke widths scale with the image, so a thumbnail and a poster get the same look.
"""

import pyvips

from platform_common.transform_spec import Sketch
from transformer_service.domain.bands import to_grey


def _scale(image: pyvips.Image) -> float:
    """1.0 for a ~1000 px image; blur radii are multiplied by it."""
    return max(0.5, min(image.width, image.height) / 1000)


def _luminance(image: pyvips.Image) -> pyvips.Image:
    grey = to_grey(image)
    return grey.extract_band(0) if grey.bands > 1 else grey


def pencil(image: pyvips.Image) -> pyvips.Image:
    """Colour-dodge the grey image with its blurred negative: flat areas go paper-white and
    edges keep graphite-grey strokes, the classic pencil-sketch construction."""
    grey = _luminance(image).copy_memory()
    blurred_negative = grey.invert().gaussblur(6 * _scale(image))
    dodged = (grey * 256 / (256 - blurred_negative)).cast("uchar")  # the cast clips at white
    # A touch of gamma darkens the strokes so they read as graphite, not faint grey.
    return ((dodged / 255) ** 1.6 * 255).rint().cast("uchar")


def charcoal(image: pyvips.Image) -> pyvips.Image:
    """Dark, smudged strokes: edge strength of a softened image, inverted and stretched, over a
    coarse tonal wash so shadows stay dark as charcoal does."""
    grey = _luminance(image).copy_memory()
    scale, width, height = _scale(image), grey.width, grey.height
    # Pad by replication first so the frame of the image does not read as an edge.
    padded = grey.gaussblur(1.2 * scale).embed(3, 3, width + 6, height + 6, extend="copy")
    edges = padded.sobel().crop(3, 3, width, height).cast("float")
    strokes = (255 - edges * 2.5).cast("uchar").cast("float")  # the cast clips at black
    wash = grey.gaussblur(4 * scale).linear(0.7, 60)  # shadows stay dark, paper stays light
    return (strokes * wash / 255).rint().cast("uchar").gaussblur(1.2 * scale)


def ink(image: pyvips.Image) -> pyvips.Image:
    """High-contrast line art: Canny edges plus solid ink where the photo is darkest; pure black on
    white, no greys."""
    grey = _luminance(image).copy_memory()
    edges = grey.canny(sigma=1.4 * _scale(image))
    # Keep the strongest ~8% of edge responses: outlines, not texture.
    lines = edges > max(2.0, edges.percent(92))
    shadows = grey.gaussblur(_scale(image)) < 40
    return (lines | shadows).invert().cast("uchar").copy(interpretation="b-w")


STYLES = {"pencil": pencil, "charcoal": charcoal, "ink": ink}


def sketch(image: pyvips.Image, op: Sketch) -> pyvips.Image:
    return STYLES[op.style](image)
