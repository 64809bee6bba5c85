"""Every art style x method on real photos: each looks like what it names, and no two styles look
alike.

"Differ measurably" is the mean absolute difference of two results over all pixels and the three
sRGB bands (0..255). Re-encoding one result as JPEG at quality 80 moves it by about 2; two styles
whose outputs a person tells apart at a glance differ by far more (the closest pair on coffee.png
measures about 23), so MIN_STYLE_DIFFERENCE = 12 leaves room on both sides: it fails when two styles
collapse into one look, and it is not tripped by encoder noise.
"""

import itertools

import numpy as np
import pytest
import pyvips

from platform_common.transform_spec import GREY_STYLES, STYLE_DESCRIPTIONS
from transformer_service.domain.styles import STYLES as STYLE_FUNCTIONS
from transformer_service.domain.styles.toolkit import LARGE_SIZE

STYLES = tuple(STYLE_DESCRIPTIONS)
METHODS = ("basic", "advanced", "artistic")
MIN_STYLE_DIFFERENCE = 12.0
# Mean (max band - min band) per pixel: 0 for grey; the photos' own is about 60-110.
MIN_COLOURFUL_CHROMA = 30.0


@pytest.fixture(scope="module")
def rendered(photo, transform, helpers) -> dict[tuple[str, str, str], np.ndarray]:
    results = {}
    for name in ("coffee.png", "chelsea.png"):
        for style, method in itertools.product(STYLES, METHODS):
            spec = {
                "operations": [{"op": "sketch", "style": style, "method": method}],
                "output": {"format": "png"},
            }
            result = transform(photo(name), spec)
            pixels = helpers.pixels(result.data)
            assert pixels.shape[:2] == helpers.pixels(photo(name)).shape[:2]
            if pixels.shape[2] == 1:
                pixels = np.repeat(pixels, 3, axis=2)
            results[(name, style, method)] = pixels.astype(float)
    return results


def chroma(pixels: np.ndarray) -> float:
    return float((pixels.max(axis=2) - pixels.min(axis=2)).mean())


@pytest.mark.parametrize("name", ["coffee.png", "chelsea.png"])
@pytest.mark.parametrize("method", METHODS)
def test_every_style_differs_from_every_other(rendered, name: str, method: str) -> None:
    for first, second in itertools.combinations(STYLES, 2):
        difference = np.abs(rendered[(name, first, method)] - rendered[(name, second, method)])
        assert difference.mean() > MIN_STYLE_DIFFERENCE, (first, second, difference.mean())


@pytest.mark.parametrize("name", ["coffee.png", "chelsea.png"])
def test_drawing_styles_are_grey_and_painting_styles_keep_colour(rendered, name: str) -> None:
    for style, method in itertools.product(STYLES, METHODS):
        pixels = rendered[(name, style, method)]
        if style in GREY_STYLES:
            assert chroma(pixels) == 0.0, (style, method)
        elif style in ("watercolor", "oil"):
            assert chroma(pixels) > MIN_COLOURFUL_CHROMA, (style, method, chroma(pixels))
        else:  # pastel is muted on purpose, but still colour
            assert chroma(pixels) > MIN_COLOURFUL_CHROMA / 3, (style, method, chroma(pixels))


def test_each_method_changes_the_look(rendered) -> None:
    for style in STYLES:
        for first, second in itertools.combinations(METHODS, 2):
            difference = np.abs(
                rendered[("coffee.png", style, first)] - rendered[("coffee.png", style, second)]
            )
            assert difference.mean() > 2.0, (style, first, second)


def test_charcoal_is_darker_and_grainier_than_pencil(rendered) -> None:
    for name, method in itertools.product(("coffee.png", "chelsea.png"), METHODS):
        pencil = rendered[(name, "pencil", method)][:, :, 0]
        charcoal = rendered[(name, "charcoal", method)][:, :, 0]
        assert charcoal.mean() < pencil.mean() - 40
        # Grain: pixel-to-pixel variation, measured on horizontal neighbours.
        assert np.abs(np.diff(charcoal, axis=1)).mean() > np.abs(np.diff(pencil, axis=1)).mean()


def flat_blocks(source: np.ndarray, size: int = 20) -> np.ndarray:
    """A mask of the size x size blocks where the photo is flat (grey level std below 4)."""
    mask = np.zeros(source.shape, dtype=bool)
    for top in range(0, source.shape[0] - size + 1, size):
        for left in range(0, source.shape[1] - size + 1, size):
            if source[top : top + size, left : left + size].std() < 4:
                mask[top : top + size, left : left + size] = True
    return mask


@pytest.mark.parametrize("name", ["coffee.png", "chelsea.png"])
def test_ink_is_black_and_white_and_leaves_flat_areas_clean(rendered, photo, helpers, name) -> None:
    """Flat parts of the photo (out-of-focus background, the dark table edge) get no ink blobs."""
    source = helpers.pixels(photo(name)).mean(axis=2)
    flat = flat_blocks(source)
    assert flat.mean() > 0.02  # the photo has flat areas to check
    for method in METHODS:
        ink = rendered[(name, "ink", method)][:, :, 0]
        assert set(np.unique(ink)) <= {0.0, 255.0}
        assert (ink[flat] == 0).mean() < 0.2, method
        assert 0.02 < (ink == 0).mean() < 0.5


def test_pastel_is_lighter_and_acrylic_more_saturated_than_the_photo(
    rendered, photo, helpers
) -> None:
    for name in ("coffee.png", "chelsea.png"):
        source = helpers.pixels(photo(name)).astype(float)
        for method in METHODS:
            assert rendered[(name, "pastel", method)].mean() > source.mean() + 20
            assert chroma(rendered[(name, "pastel", method)]) < chroma(source)
            assert chroma(rendered[(name, "acrylic", method)]) > chroma(source)


def test_styles_are_deterministic(photo, transform) -> None:
    """Content addressing: the same source and spec give the same bytes."""
    for style in ("charcoal", "pastel"):
        spec = {"operations": [{"op": "sketch", "style": style, "method": "advanced"}]}
        assert (
            transform(photo("coffee.png"), spec).data == transform(photo("coffee.png"), spec).data
        )


def test_styles_keep_the_size_and_drop_alpha(photo, transform, helpers) -> None:
    spec = {"operations": [{"op": "sketch", "style": "oil"}], "output": {"format": "png"}}
    result = transform(photo("logo.png"), spec)  # RGBA
    assert (result.width, result.height) == (500, 500)
    assert helpers.decode(result.data).bands == 3


@pytest.mark.parametrize(
    ("style", "method"),
    [("watercolor", "advanced"), ("watercolor", "artistic"), ("pastel", "artistic")],
)
def test_a_soft_style_on_a_large_photo_looks_as_rendered_at_full_size(
    photo, helpers, style: str, method: str
) -> None:
    """A soft style renders a large photo at half size and scales back (for the cost target);
    seen whole, that is the picture the full-size rendering gives. Two distinct styles differ by
    more than MIN_STYLE_DIFFERENCE; the half-size rendering stays well under it."""
    source = pyvips.Image.new_from_buffer(photo("coffee.png"), "")
    large = source.resize((LARGE_SIZE + 1) / min(source.width, source.height)).copy_memory()
    assert min(large.width, large.height) >= LARGE_SIZE
    function = STYLE_FUNCTIONS[style][method]
    half_size, full_size = function(large), function.__wrapped__(large)  # type: ignore[attr-defined]
    assert (half_size.width, half_size.height) == (large.width, large.height)
    difference = np.abs(
        helpers.pixels(half_size.thumbnail_image(600)).astype(float)
        - helpers.pixels(full_size.thumbnail_image(600)).astype(float)
    )
    assert difference.mean() < MIN_STYLE_DIFFERENCE / 3, difference.mean()
