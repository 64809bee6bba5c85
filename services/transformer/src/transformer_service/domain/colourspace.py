"""Bringing decoded pixels into the one working space every operation expects: 8-bit sRGB or
8-bit grey, each with an optional alpha band."""

import pyvips

from transformer_service.domain.errors import UnsupportedFormat

WORKING = ("srgb", "b-w")


def to_working_space(image: pyvips.Image) -> pyvips.Image:
    if image.interpretation == "cmyk":
        # CMYK (print JPEGs, TIFFs) through its own profile, or libvips' built-in CMYK profile.
        return image.icc_transform("srgb", embedded=True, input_profile="cmyk").cast("uchar")
    if image.interpretation in WORKING and image.format == "uchar":
        return image
    target = "b-w" if image.bands - int(image.hasalpha()) == 1 else "srgb"
    try:
        image = image.colourspace(target)
    except pyvips.Error as exc:
        raise UnsupportedFormat(
            f"images in the {image.interpretation} colour space are not supported"
        ) from exc
    return image if image.format == "uchar" else image.cast("uchar")
