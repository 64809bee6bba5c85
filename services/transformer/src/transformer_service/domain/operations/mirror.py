"""Mirror: left to right (row by row, so it streams)."""

import pyvips

from platform_common.transform_spec import Mirror
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements


@implements(Mirror)
def mirror(image: pyvips.Image, op: Mirror, context: OperationContext) -> pyvips.Image:
    return image.fliphor()
