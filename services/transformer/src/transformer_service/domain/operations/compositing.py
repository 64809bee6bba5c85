"""Helpers both watermarks share: placing a mark at one of nine positions and compositing it.

Compositing touches only the mark's rectangle: pixels elsewhere come out bit-identical.
"""

import pyvips

from transformer_service.domain.bands import has_alpha, to_srgb


def place(position: str, base: pyvips.Image, mark: pyvips.Image, margin: int) -> tuple[int, int]:
    """Top-left corner of `mark` on `base` for a position such as "bottom_right"."""
    free_x, free_y = base.width - mark.width, base.height - mark.height
    x = margin if "left" in position else free_x - margin if "right" in position else free_x // 2
    vertical = position.split("_")[0]
    y = margin if vertical == "top" else free_y - margin if vertical == "bottom" else free_y // 2
    return max(0, min(x, free_x)), max(0, min(y, free_y))


def composite(base: pyvips.Image, mark: pyvips.Image, position: str, margin: int) -> pyvips.Image:
    """Blend an sRGBA mark over the base; the base keeps its band count."""
    base = to_srgb(base)
    x, y = place(position, base, mark, margin)
    blended = base.composite2(mark, "over", x=x, y=y)
    return blended if has_alpha(base) else blended.extract_band(0, n=3)


def fit_within(mark: pyvips.Image, width: int, height: int) -> pyvips.Image:
    scale = min(1.0, width / mark.width, height / mark.height)
    return mark if scale >= 1.0 else mark.resize(scale)
