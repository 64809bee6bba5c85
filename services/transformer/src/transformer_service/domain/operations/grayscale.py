"""Grayscale: one grey band (alpha kept)."""

import pyvips

from platform_common.transform_spec import Grayscale
from transformer_service.domain.bands import to_grey
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements


@implements(Grayscale)
def grayscale(image: pyvips.Image, op: Grayscale, context: OperationContext) -> pyvips.Image:
    return to_grey(image)
