"""Brightness: scale the colour bands; alpha passes through untouched."""

import pyvips

from platform_common.transform_spec import Brightness
from transformer_service.domain.bands import rejoin_alpha, split_alpha
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.pixels import to_uchar
from transformer_service.domain.operations.registry import implements


@implements(Brightness)
def brightness(image: pyvips.Image, op: Brightness, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(image)
    return rejoin_alpha(
        to_uchar(colour * op.factor).copy(interpretation=colour.interpretation), alpha
    )
