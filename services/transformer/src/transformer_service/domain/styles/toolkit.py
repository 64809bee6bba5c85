"""The libvips building blocks the art styles share.

Everything that needs a wide neighbourhood (washes, painterly smoothing, colour regions) runs on a
copy reduced to about REDUCED_SIZE px and is scaled back: a wide blur at full resolution would
cost more than the whole style is allowed (three full-resolution sigma-2 blurs), and at the
reduced size it is the same picture for the eye. Per-pixel tone curves are lookup tables
(maplut), and random texture has a fixed seed, so a style is deterministic: the same source and
spec always give the same bytes, as content addressing requires.
"""

from collections.abc import Callable

import numpy as np
import pyvips

from transformer_service.domain.bands import to_grey

REDUCED_SIZE = 640
TILE = 256
# Blurs wider than WIDE_SIGMA run reduced, as a NARROW_SIGMA blur of a shrunk copy.
WIDE_SIGMA = 3.0
NARROW_SIGMA = 1.5
SEED = 15


def scale_of(image: pyvips.Image) -> float:
    """1.0 for a ~1000 px image; stroke widths and radii are multiplied by it."""
    return max(0.5, min(image.width, image.height) / 1000)


def luminance(image: pyvips.Image) -> pyvips.Image:
    grey = to_grey(image)
    return grey.extract_band(0) if grey.bands > 1 else grey


def colour(image: pyvips.Image) -> pyvips.Image:
    """Three sRGB bands (a grey source is widened, alpha dropped: a painting is opaque)."""
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    return image.colourspace("srgb") if image.bands < 3 else image


def as_grey(image: pyvips.Image) -> pyvips.Image:
    return to_uchar(image).copy(interpretation="b-w")


def as_srgb(image: pyvips.Image) -> pyvips.Image:
    return to_uchar(image).copy(interpretation="srgb")


def to_uchar(image: pyvips.Image) -> pyvips.Image:
    return image if image.format == "uchar" else image.rint().cast("uchar")


def curve(image: pyvips.Image, shape: Callable[[np.ndarray], np.ndarray]) -> pyvips.Image:
    """Apply a tone curve given on 0..1 as a 256-entry lookup table (one pass, no float maths)."""
    ramp = np.linspace(0.0, 1.0, 256)
    table = np.clip(np.rint(shape(ramp) * 255), 0, 255).astype(np.uint8)
    lut = pyvips.Image.new_from_memory(table.tobytes(), 256, 1, 1, "uchar")
    return to_uchar(image).maplut(lut)


def reduced(image: pyvips.Image, size: int = REDUCED_SIZE) -> pyvips.Image:
    factor = min(1.0, size / max(image.width, image.height))
    return image if factor == 1.0 else image.resize(factor)


def back_to(small: pyvips.Image, like: pyvips.Image) -> pyvips.Image:
    """Scale a reduced copy back to exactly `like`'s size."""
    if (small.width, small.height) == (like.width, like.height):
        return small
    # Rendered once: without this every full-resolution tile would recompute the reduced graph.
    small = small.copy_memory()
    return small.resize(like.width / small.width, vscale=like.height / small.height)


def blur(image: pyvips.Image, sigma: float) -> pyvips.Image:
    """A Gaussian blur whose cost does not grow with sigma: a wide blur is done on a copy shrunk
    so the blur there is NARROW_SIGMA, then scaled back (smooth content upsamples losslessly)."""
    if sigma <= WIDE_SIGMA:
        return image.gaussblur(max(0.3, sigma), precision="integer")
    small = image.resize(NARROW_SIGMA / sigma)
    small = small.gaussblur(NARROW_SIGMA, precision="integer").copy_memory()
    return small.resize(
        image.width / small.width, vscale=image.height / small.height, kernel="linear"
    )


def grain(
    like: pyvips.Image, sigma: float, coarseness: float = 1.0, seed: int = SEED
) -> pyvips.Image:
    """Paper or chalk grain: seeded noise around 128, `coarseness` px per grain."""
    # One seeded 256 px tile, repeated: texture for any size at almost no cost.
    noise = to_uchar(pyvips.Image.gaussnoise(TILE, TILE, sigma=sigma, mean=128, seed=seed))
    if coarseness != 1.0:
        noise = noise.resize(coarseness)
    noise = noise.copy_memory()
    across, down = -(-like.width // noise.width), -(-like.height // noise.height)
    return noise.replicate(across, down).crop(0, 0, like.width, like.height)


def dodge(grey: pyvips.Image, sigma: float) -> pyvips.Image:
    """Colour-dodge the image with its blurred negative: flat areas go white, edges stay dark."""
    blurred_negative = blur(grey.invert(), sigma)
    return (grey * 256 / (257 - blurred_negative)).cast("uchar")  # the cast clips at white


def dog_lines(grey: pyvips.Image, sigma: float, strength: float) -> pyvips.Image:
    """Difference of Gaussians: dark where a pixel is darker than its surroundings, white on flat
    areas however dark they are (so a flat black background does not become an ink blob)."""
    fine, coarse = blur(grey, sigma), blur(grey, sigma * 1.6)
    return to_uchar((fine - coarse) * strength + 255)


def saturate(image: pyvips.Image, amount: float) -> pyvips.Image:
    """Move each pixel away from its own grey by `amount` (1 keeps), one 3x3 recomb."""
    red, green, blue = 0.2126, 0.7152, 0.0722
    grey_part = (1 - amount) * np.array([[red, green, blue]] * 3)
    matrix = (grey_part + amount * np.eye(3)).tolist()
    return to_uchar(image.recomb(matrix))


def unsharp(image: pyvips.Image, sigma: float, amount: float) -> pyvips.Image:
    return to_uchar(image * (1 + amount) - blur(image, sigma) * amount)


def posterise(image: pyvips.Image, levels: int) -> pyvips.Image:
    return curve(image, lambda x: np.floor(x * levels * 0.999) / (levels - 1))


def box_mean(image: pyvips.Image, radius: int) -> pyvips.Image:
    size = 2 * radius + 1
    mask = pyvips.Image.new_from_list([[1.0] * size], scale=size)
    return image.cast("float").convsep(mask)


def kuwahara(image: pyvips.Image, radius: int) -> pyvips.Image:
    """Kuwahara filter: each pixel takes the mean colour of whichever of its four quadrant
    windows is most uniform, which flattens texture into strokes while keeping edges sharp."""
    image = image.copy_memory()
    width, height = image.width, image.height
    light = luminance(image).cast("float")
    mean = box_mean(image, radius).copy_memory()
    mean_sq = box_mean(light * light, radius).copy_memory()
    light_mean = box_mean(light, radius).copy_memory()
    pad = radius + 1

    def shifted(layer: pyvips.Image, dx: int, dy: int) -> pyvips.Image:
        wide = layer.embed(pad, pad, width + 2 * pad, height + 2 * pad, extend="copy")
        return wide.crop(pad + dx, pad + dy, width, height)

    best_mean = best_var = None
    for dx, dy in ((-radius, -radius), (radius, -radius), (-radius, radius), (radius, radius)):
        quad_mean = shifted(mean, dx, dy)
        quad_var = shifted(mean_sq, dx, dy) - shifted(light_mean, dx, dy) ** 2
        if best_mean is None:
            best_mean, best_var = quad_mean, quad_var
            continue
        better = quad_var < best_var
        best_mean = better.ifthenelse(quad_mean, best_mean).copy_memory()
        best_var = better.ifthenelse(quad_var, best_var).copy_memory()
    return as_srgb(best_mean)
