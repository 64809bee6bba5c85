"""The libvips building blocks the art styles share.

Everything that needs a wide neighbourhood (washes, painterly smoothing, colour regions) runs on a
copy reduced to about REDUCED_SIZE px and is scaled back: a wide blur at full resolution would
cost more than the whole style is allowed (three full-resolution sigma-2 blurs), and at the
reduced size it is the same picture for the eye. What must stay sharp (strokes, outlines, edges)
runs at full size on one grey band; a full-size three-band operation is the dearest thing a style
can do, so per-pixel colour work (saturation, whitening, sharpening of areas) is done on the
reduced copy, before the one scale back, and a mask is applied with integer maths. Per-pixel tone
curves are lookup tables (maplut), and random texture has a fixed seed, so a style is
deterministic: the same source and spec always give the same bytes, as content addressing requires.
"""

import functools
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
# From this short side up, a soft style is rendered at half size (see half_size_when_large).
LARGE_SIZE = 2000

StyleFunction = Callable[[pyvips.Image], pyvips.Image]


def scale_of(image: pyvips.Image) -> float:
    """1.0 for a ~1000 px image; stroke widths and radii are multiplied by it."""
    return max(0.5, min(image.width, image.height) / 1000)


def luminance(image: pyvips.Image) -> pyvips.Image:
    """One grey band. For sRGB the mean of the three bands, one integer pass: a colourspace round
    trip through XYZ (or a weighted sum, in float) costs as much as a blur at 12 MP, and which
    weights make the grey changes nothing a drawing's strokes show."""
    if image.interpretation == "srgb" and image.format == "uchar" and image.bands >= 3:
        return image.extract_band(0, n=3).bandmean()
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
    # The cast clips to 0..255 and truncates: rounding first would cost one more full pass for
    # half a level nobody sees.
    return image if image.format == "uchar" else image.cast("uchar")


def add_signed(image: pyvips.Image, delta: pyvips.Image) -> pyvips.Image:
    """Add a one-band uchar `delta` centred on 128 (128 changes nothing), in integers: a
    constant offset would turn the whole sum into float."""
    middle = delta.new_from_image(128)
    return (to_uchar(image) + (to_uchar(delta) - middle)).cast("uchar")


def shade(image: pyvips.Image, mask: pyvips.Image) -> pyvips.Image:
    """Darken `image` by a one-band uchar `mask` (255 keeps, 0 is black): integer multiply,
    about half the cost of the same product in float at 12 MP."""
    return ((to_uchar(image) * to_uchar(mask)) / 255).cast("uchar")


def curve(image: pyvips.Image, shape: Callable[[np.ndarray], np.ndarray]) -> pyvips.Image:
    """Apply a tone curve given on 0..1 as a 256-entry lookup table (one pass, no float maths)."""
    ramp = np.linspace(0.0, 1.0, 256)
    table = np.clip(np.rint(shape(ramp) * 255), 0, 255).astype(np.uint8)
    lut = pyvips.Image.new_from_memory(table.tobytes(), 256, 1, 1, "uchar")
    return to_uchar(image).maplut(lut)


def reduced(image: pyvips.Image, size: int = REDUCED_SIZE) -> pyvips.Image:
    """A copy about `size` px across, shrunk by a whole factor so back_to can zoom it back
    exactly (a box shrink: cheap, and a wash or a region does not need a sharper kernel)."""
    factor = max(image.width, image.height) // size
    return image if factor < 2 else image.shrink(factor, factor)


def back_to(small: pyvips.Image, like: pyvips.Image) -> pyvips.Image:
    """Scale a reduced copy back to exactly `like`'s size.

    A pixel zoom (a copy, no arithmetic) then a Gaussian of half the zoom factor to hide
    the blocks: about a third of what a bilinear resize costs at 12 MP, and the same picture for
    smooth content, which is all that is ever scaled back."""
    if (small.width, small.height) == (like.width, like.height):
        return small
    # Rendered once: without this every full-resolution tile would recompute the reduced graph.
    small = small.copy_memory()
    factor = max(1, round(like.width / small.width))
    zoomed = small.zoom(factor, factor) if factor > 1 else small
    zoomed = zoomed.embed(0, 0, like.width, like.height, extend="copy")
    return zoomed.gaussblur(factor / 2, precision="integer") if factor > 1 else zoomed


def half_size_when_large(render: StyleFunction) -> StyleFunction:
    """For a soft style (washes, chalk): on an image LARGE_SIZE px or more on its short side,
    render it on a half-size copy and scale the result back once.

    Stroke widths and radii follow scale_of, so the half-size rendering is the same picture with
    half the pixels across; the soft look has nothing finer to lose, and the full-size passes of
    three-band colour (the dearest thing a style does) come down to one scale back."""

    @functools.wraps(render)
    def rendered(image: pyvips.Image) -> pyvips.Image:
        if min(image.width, image.height) < LARGE_SIZE:
            return render(image)
        return back_to(render(image.shrink(2, 2)), image)

    return rendered


def zoom_to(small: pyvips.Image, like: pyvips.Image) -> pyvips.Image:
    """A reduced on/off mask back at `like`'s size, blocks and all: for a mask that only gates a
    texture (hatching), where a block-wide step in its edge cannot be seen."""
    small = small.copy_memory()
    factor = max(1, round(like.width / small.width))
    zoomed = small.zoom(factor, factor) if factor > 1 else small
    return zoomed.embed(0, 0, like.width, like.height, extend="copy")


def blur(image: pyvips.Image, sigma: float) -> pyvips.Image:
    """A Gaussian blur whose cost does not grow with sigma: a wide blur is done on a copy shrunk
    so the blur there is NARROW_SIGMA, then scaled back (smooth content upsamples losslessly)."""
    if sigma <= WIDE_SIGMA:
        return image.gaussblur(max(0.3, sigma), precision="integer")
    factor = max(2, round(sigma / NARROW_SIGMA))
    small = image.shrink(factor, factor).gaussblur(NARROW_SIGMA, precision="integer")
    return back_to(small, image)


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
    # Read by two blurs with different margins: rendered once (a no-op if it already is), or
    # each would recompute it, and the overlap of its tiles, again.
    grey = grey.copy_memory()
    fine, coarse = blur(grey, sigma), blur(grey, sigma * 1.6)
    # How much darker than its surroundings, in integers: the difference cast to uchar clips the
    # lighter-than-surroundings side to 0, and a lookup table applies the strength.
    darker = (coarse - fine).cast("uchar")
    return curve(darker, lambda x: 1 - np.minimum(1.0, x * strength))


def saturate(image: pyvips.Image, amount: float) -> pyvips.Image:
    """Move each pixel away from its own grey by `amount` (1 keeps), one 3x3 recomb."""
    red, green, blue = 0.2126, 0.7152, 0.0722
    grey_part = (1 - amount) * np.array([[red, green, blue]] * 3)
    matrix = (grey_part + amount * np.eye(3)).tolist()
    return to_uchar(image.recomb(matrix))


def unsharp(image: pyvips.Image, sigma: float, amount: float) -> pyvips.Image:
    """Unsharp mask. For colour the detail is taken from the luminance and added to every band:
    the blur and the difference run on one band, not three, and the eye sees detail in light."""
    # The image is read twice (as itself and blurred): rendered once, or everything before it
    # would be computed twice.
    image = image.copy_memory()
    if image.bands == 1:
        return to_uchar(image * (1 + amount) - blur(image, sigma) * amount)
    light = luminance(image)
    return to_uchar(image + (light - blur(light, sigma)) * amount)


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
