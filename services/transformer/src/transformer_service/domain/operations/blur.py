"""Gaussian blur; with alpha, premultiplied so transparent pixels do not bleed."""

import pyvips

from platform_common.transform_spec import Blur
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.pixels import to_uchar
from transformer_service.domain.operations.registry import implements


@implements(Blur)
def blur(image: pyvips.Image, op: Blur, context: OperationContext) -> pyvips.Image:
    if not image.hasalpha():
        return image.gaussblur(op.sigma)
    # Blur premultiplied so transparent pixels do not bleed their (meaningless) colour.
    blurred = image.premultiply().gaussblur(op.sigma).unpremultiply()
    return to_uchar(blurred).copy(interpretation=image.interpretation)
