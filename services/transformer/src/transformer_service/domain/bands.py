"""Small facts about an image's bands that several operations need."""

import pyvips

from platform_common.transform_spec import colour_rgba

ICC_FIELD = "icc-profile-data"


def is_grey(image: pyvips.Image) -> bool:
    return image.interpretation in ("b-w", "grey16")


def has_alpha(image: pyvips.Image) -> bool:
    return image.hasalpha()


def to_srgb(image: pyvips.Image) -> pyvips.Image:
    """Colour operations need three colour bands; a grey image is widened (alpha kept)."""
    return image.colourspace("srgb") if is_grey(image) else image


def to_grey(image: pyvips.Image) -> pyvips.Image:
    grey = image.colourspace("b-w")
    # An RGB ICC profile on a one-band image would make viewers misread it.
    return without_icc(grey)


def without_icc(image: pyvips.Image) -> pyvips.Image:
    if ICC_FIELD not in image.get_fields():
        return image
    copy = image.copy()
    copy.remove(ICC_FIELD)
    return copy


def with_alpha(image: pyvips.Image) -> pyvips.Image:
    return image if has_alpha(image) else image.bandjoin(255)


def background_for(image: pyvips.Image, colour: str) -> tuple[pyvips.Image, list[float]]:
    """The image (with an alpha band added if the colour is translucent) and the colour as a pixel
    of matching bands, so embed/rotate fill the new area with exactly that colour."""
    red, green, blue, alpha = colour_rgba(colour)
    if alpha < 255:
        image = with_alpha(image)
    colour_bands = 1 if is_grey(image) else 3
    pixel = (
        [0.2126 * red + 0.7152 * green + 0.0722 * blue] if colour_bands == 1 else [red, green, blue]
    )
    if has_alpha(image):
        pixel.append(alpha)
    return image, [float(value) for value in pixel]


def split_alpha(image: pyvips.Image) -> tuple[pyvips.Image, pyvips.Image | None]:
    """Colour bands and the alpha band (or None): filters touch the colour, never the alpha."""
    if not has_alpha(image):
        return image, None
    return image.extract_band(0, n=image.bands - 1), image.extract_band(image.bands - 1)


def rejoin_alpha(colour: pyvips.Image, alpha: pyvips.Image | None) -> pyvips.Image:
    return colour if alpha is None else colour.bandjoin(alpha)
