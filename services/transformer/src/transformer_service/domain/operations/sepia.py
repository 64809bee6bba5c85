"""Sepia: the classic tone matrix on the colour bands; alpha passes through untouched."""

import pyvips

from platform_common.transform_spec import Sepia
from transformer_service.domain.bands import rejoin_alpha, split_alpha, to_srgb
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.pixels import to_uchar
from transformer_service.domain.operations.registry import implements

# The classic sepia matrix (rows produce R, G, B from the source R, G, B).
SEPIA = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
]


@implements(Sepia)
def sepia(image: pyvips.Image, op: Sepia, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(to_srgb(image))
    toned = to_uchar(colour.recomb(SEPIA)).copy(interpretation="srgb")
    return rejoin_alpha(toned, alpha)
