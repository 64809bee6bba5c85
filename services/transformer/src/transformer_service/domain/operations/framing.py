"""Placing a window in an image by gravity: compass points, a focal point, or an analysis.

`smart` and `entropy` look at a reduced copy (at most ANALYSIS_SIZE px on its long side) and map
the window found there back to full resolution: the analysis costs the same on a 50 MP photo as
on a thumbnail, and works on the shapes a person sees instead of full-resolution texture (at full
size libvips' attention happily settles on a sharp blade of grass beside the subject).
"""

import pyvips

from platform_common.transform_spec import ANALYSED, Focus

ANALYSIS_SIZE = 400


def _compass(gravity: str, free_x: int, free_y: int) -> tuple[int, int]:
    left = 0 if gravity.endswith("west") else free_x if gravity.endswith("east") else free_x // 2
    top = (
        0 if gravity.startswith("north") else free_y if gravity.startswith("south") else free_y // 2
    )
    return left, top


def _around(focus: Focus, image: pyvips.Image, width: int, height: int) -> tuple[int, int]:
    """The window centred on the focal point, slid back inside the image at the edges."""
    left = round(focus.x * image.width - width / 2)
    top = round(focus.y * image.height - height / 2)
    return (
        max(0, min(left, image.width - width)),
        max(0, min(top, image.height - height)),
    )


def _analysed(image: pyvips.Image, width: int, height: int, interesting: str) -> tuple[int, int]:
    scale = min(1.0, ANALYSIS_SIZE / max(image.width, image.height))
    reduced = image if scale == 1.0 else image.resize(scale)
    small_w = max(1, min(reduced.width, round(width * scale)))
    small_h = max(1, min(reduced.height, round(height * scale)))
    found = reduced.smartcrop(small_w, small_h, interesting=interesting)
    # smartcrop reports the window's position as a negative offset of its output.
    left, top = round(-found.xoffset / scale), round(-found.yoffset / scale)
    return (
        max(0, min(left, image.width - width)),
        max(0, min(top, image.height - height)),
    )


def window(
    image: pyvips.Image, width: int, height: int, gravity: str, focus: Focus | None = None
) -> tuple[int, int]:
    """Top-left corner of a width x height window (no larger than the image) for `gravity`."""
    if gravity in ANALYSED:
        return _analysed(image, width, height, ANALYSED[gravity])
    if gravity == "focus" and focus is not None:
        return _around(focus, image, width, height)
    return _compass(gravity, image.width - width, image.height - height)


def place_window(
    image: pyvips.Image, width: int, height: int, gravity: str, focus: Focus | None = None
) -> pyvips.Image:
    """Crop the window; an analysed gravity reads the pixels twice, so they are rendered first."""
    width, height = min(width, image.width), min(height, image.height)
    if (width, height) == (image.width, image.height):
        return image
    if gravity in ANALYSED:
        image = image.copy_memory()
    left, top = window(image, width, height, gravity, focus)
    return image.crop(left, top, width, height)
