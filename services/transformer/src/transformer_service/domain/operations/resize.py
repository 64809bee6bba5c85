"""Resize: the arguments of vips thumbnail, shared with the shrink-on-load first step of the
pipeline, and the finish (`contain` padding, `cover` with a gravity)."""

import pyvips

from platform_common.transform_spec import Resize
from transformer_service.domain.bands import background_for
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.framing import place_window
from transformer_service.domain.operations.registry import implements

# libvips' "as large as you like" for the unconstrained side of a thumbnail box.
UNBOUNDED = 10_000_000


def thumbnail_options(op: Resize, width: int, height: int) -> tuple[int, dict[str, object]]:
    """Arguments of vips thumbnail for `op` on a width x height image (after auto-orientation).

    The same arguments serve thumbnail_buffer (shrink-on-load) and thumbnail_image, so a resize
    means the same wherever it sits in the pipeline."""
    box_width, box_height = op.width or UNBOUNDED, op.height or UNBOUNDED
    options: dict[str, object] = {"height": box_height, "size": "both" if op.upscale else "down"}
    if op.width and op.height and op.fit == "cover" and op.gravity:
        # Scale to cover the box whole; finish_resize then cuts the window where gravity says.
        scale = max(op.width / width, op.height / height)
        scale = scale if op.upscale else min(scale, 1.0)
        cover_width = max(1, round(width * scale))
        options.update(height=max(1, round(height * scale)), size="force")
        return cover_width, options
    if op.width and op.height and op.fit == "cover":
        options["crop"] = "centre"
    elif op.width and op.height and op.fit == "fill":
        if not op.upscale:
            box_width, box_height = min(box_width, width), min(box_height, height)
        options.update(height=box_height, size="force")
    return box_width, options


def finish_resize(image: pyvips.Image, op: Resize) -> pyvips.Image:
    """`contain` pads the scaled image to the whole box with the background colour; `cover` with a
    gravity cuts the box out of the covering image."""
    if op.fit == "cover" and op.gravity and op.width and op.height:
        return place_window(image, op.width, op.height, op.gravity, op.focus)
    if op.fit != "contain" or not (op.width and op.height):
        return image
    if (image.width, image.height) == (op.width, op.height):
        return image
    image, pixel = background_for(image, op.background)
    left, top = (op.width - image.width) // 2, (op.height - image.height) // 2
    return image.embed(left, top, op.width, op.height, extend="background", background=pixel)


@implements(Resize)
def resize(image: pyvips.Image, op: Resize, context: OperationContext) -> pyvips.Image:
    width, options = thumbnail_options(op, image.width, image.height)
    return finish_resize(image.thumbnail_image(width, **options), op)
