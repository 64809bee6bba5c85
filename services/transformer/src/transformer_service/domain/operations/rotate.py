"""Rotate clockwise. Sources are decoded sequentially; rotating reads pixels out of order, so
what came before is rendered into memory first (copy_memory)."""

import pyvips

from platform_common.transform_spec import Rotate
from transformer_service.domain.bands import background_for
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements


@implements(Rotate)
def rotate(image: pyvips.Image, op: Rotate, context: OperationContext) -> pyvips.Image:
    """Clockwise. Right angles are exact pixel moves; other angles fill the corners."""
    angle = op.angle % 360
    if angle == 0:
        return image
    if angle % 90 == 0:
        return image.copy_memory().rot(f"d{int(angle)}")
    image, pixel = background_for(image, op.background)
    return image.copy_memory().rotate(angle, background=pixel)
