"""Flip: upside down."""

import pyvips

from platform_common.transform_spec import Flip
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements


@implements(Flip)
def flip(image: pyvips.Image, op: Flip, context: OperationContext) -> pyvips.Image:
    """Upside down: the last row first, hence the copy to memory."""
    return image.copy_memory().flipver()
