"""Crop: a fixed rectangle, or a window placed by gravity."""

import pyvips

from platform_common.transform_spec import Crop
from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.framing import place_window
from transformer_service.domain.operations.registry import implements


@implements(Crop)
def crop(image: pyvips.Image, op: Crop, context: OperationContext) -> pyvips.Image:
    if op.gravity:
        if op.width > image.width or op.height > image.height:
            raise InvalidOperation(
                f"crop {op.width}x{op.height} is larger than the "
                f"{image.width}x{image.height} image; resize first or ask for a smaller crop"
            )
        return place_window(image, op.width, op.height, op.gravity, op.focus)
    if op.x + op.width > image.width or op.y + op.height > image.height:
        raise InvalidOperation(
            f"crop {op.width}x{op.height} at ({op.x}, {op.y}) falls outside the "
            f"{image.width}x{image.height} image"
        )
    return image.crop(op.x, op.y, op.width, op.height)
