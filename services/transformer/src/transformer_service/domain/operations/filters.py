"""Tone and colour filters. Each touches the colour bands only; alpha passes through untouched."""

import pyvips

from platform_common.transform_spec import (
    Blur,
    Brightness,
    Contrast,
    Grayscale,
    Sepia,
    Sharpen,
)
from transformer_service.domain.bands import rejoin_alpha, split_alpha, to_grey, to_srgb
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements

# The classic sepia matrix (rows produce R, G, B from the source R, G, B).
SEPIA = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
]


def _to_uchar(image: pyvips.Image) -> pyvips.Image:
    # libvips' cast clips to 0..255; rounding first keeps float results unbiased.
    return image if image.format == "uchar" else image.rint().cast("uchar")


@implements(Grayscale)
def grayscale(image: pyvips.Image, op: Grayscale, context: OperationContext) -> pyvips.Image:
    return to_grey(image)


@implements(Sepia)
def sepia(image: pyvips.Image, op: Sepia, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(to_srgb(image))
    toned = _to_uchar(colour.recomb(SEPIA)).copy(interpretation="srgb")
    return rejoin_alpha(toned, alpha)


@implements(Blur)
def blur(image: pyvips.Image, op: Blur, context: OperationContext) -> pyvips.Image:
    if not image.hasalpha():
        return image.gaussblur(op.sigma)
    # Blur premultiplied so transparent pixels do not bleed their (meaningless) colour.
    blurred = image.premultiply().gaussblur(op.sigma).unpremultiply()
    return _to_uchar(blurred).copy(interpretation=image.interpretation)


@implements(Sharpen)
def sharpen(image: pyvips.Image, op: Sharpen, context: OperationContext) -> pyvips.Image:
    """Unsharp mask at 100%: out = in + (in - blur(in)), per colour band.

    libvips' own sharpen() works on the L of LabS, which costs a float colour round trip per
    pixel (about 10x the time on a 12 MP photo); the classic per-channel mask is what photo
    tools and Pillow do, and runs as one integer blur plus a little arithmetic."""
    colour, alpha = split_alpha(image)
    blurred = colour.gaussblur(op.sigma, precision="integer")
    sharpened = _to_uchar(colour * 2 - blurred).copy(interpretation=colour.interpretation)
    return rejoin_alpha(sharpened, alpha)


@implements(Brightness)
def brightness(image: pyvips.Image, op: Brightness, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(image)
    return rejoin_alpha(
        _to_uchar(colour * op.factor).copy(interpretation=colour.interpretation), alpha
    )


@implements(Contrast)
def contrast(image: pyvips.Image, op: Contrast, context: OperationContext) -> pyvips.Image:
    colour, alpha = split_alpha(image)
    # Stretch around mid-grey: factor 0 gives flat grey, 1 the original.
    stretched = colour.linear(op.factor, 128 * (1 - op.factor))
    return rejoin_alpha(_to_uchar(stretched).copy(interpretation=colour.interpretation), alpha)
