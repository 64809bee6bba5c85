"""Helpers the tone and colour filters share (no operation is registered here)."""

import pyvips


def to_uchar(image: pyvips.Image) -> pyvips.Image:
    # libvips' cast clips to 0..255; rounding first keeps float results unbiased.
    return image if image.format == "uchar" else image.rint().cast("uchar")
