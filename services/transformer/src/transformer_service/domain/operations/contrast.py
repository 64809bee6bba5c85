"""Contrast: stretch the colour bands around mid-grey; alpha passes through untouched."""

import pyvips

from platform_common.transform_spec import Contrast
from transformer_service.domain.bands import rejoin_alpha, split_alpha
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.pixels import to_uchar
from transformer_service.domain.operations.registry import implements


@implements(Contrast)
def contrast(image: pyvips.Image, op: Contrast, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(image)
    # Stretch around mid-grey: factor 0 gives flat grey, 1 the original.
    stretched = colour.linear(op.factor, 128 * (1 - op.factor))
    return rejoin_alpha(to_uchar(stretched).copy(interpretation=colour.interpretation), alpha)
