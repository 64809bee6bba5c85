"""Smart crop: the window libvips' attention or entropy finds on a reduced copy (see framing)."""

import pyvips

from platform_common.transform_spec import SmartCrop
from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.framing import place_window
from transformer_service.domain.operations.registry import implements


@implements(SmartCrop)
def smart_crop(image: pyvips.Image, op: SmartCrop, context: OperationContext) -> pyvips.Image:
    if op.width > image.width or op.height > image.height:
        raise InvalidOperation(
            f"smart_crop {op.width}x{op.height} is larger than the "
            f"{image.width}x{image.height} image; resize first or ask for a smaller crop"
        )
    gravity = "smart" if op.interesting == "attention" else "entropy"
    return place_window(image, op.width, op.height, gravity)
