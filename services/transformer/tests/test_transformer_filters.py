"""Tone and colour filters and the sketch styles, checked by pixel facts on real photos."""

import numpy as np
import pytest

PNG = {"format": "png"}


def run_png(photo, transform, helpers, name: str, *operations) -> np.ndarray:
    result = transform(photo(name), {"operations": list(operations), "output": PNG})
    return helpers.pixels(result.data).astype(np.int32)


def laplacian_energy(image: np.ndarray) -> float:
    grey = image[:, :, :3].mean(axis=2)
    return float(
        np.abs(np.diff(grey, n=2, axis=0)).mean() + np.abs(np.diff(grey, n=2, axis=1)).mean()
    )


def test_grayscale_has_equal_channels(photo, transform, helpers) -> None:
    result = transform(photo("astronaut.png"), {"operations": ["grayscale"], "output": PNG})
    as_rgb = helpers.decode(result.data).colourspace("srgb").numpy()
    assert helpers.decode(result.data).bands == 1
    assert np.array_equal(as_rgb[:, :, 0], as_rgb[:, :, 1])
    assert np.array_equal(as_rgb[:, :, 1], as_rgb[:, :, 2])


def test_grayscale_then_a_colour_operation_is_colour_again(photo, transform, helpers) -> None:
    out = run_png(photo, transform, helpers, "astronaut.png", "grayscale", "sepia")
    assert out.shape[2] == 3 and (out[:, :, 0] >= out[:, :, 2]).all()


def test_sepia_is_warm(photo, transform, helpers) -> None:
    out = run_png(photo, transform, helpers, "chelsea.png", "sepia")
    red, green, blue = out[:, :, 0], out[:, :, 1], out[:, :, 2]
    assert (red >= green).all() and (green >= blue).all()
    assert (red - blue).mean() > 20


def test_blur_removes_detail_and_sharpen_adds_it(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png")).astype(np.int32)
    blurred = run_png(photo, transform, helpers, "astronaut.png", {"op": "blur", "sigma": 3})
    sharpened = run_png(photo, transform, helpers, "astronaut.png", {"op": "sharpen", "sigma": 1})
    assert laplacian_energy(blurred) < 0.5 * laplacian_energy(source)
    assert laplacian_energy(sharpened) > 1.1 * laplacian_energy(source)
    assert blurred.shape == sharpened.shape == source.shape


def test_brightness(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("coffee.png")).astype(np.int32)
    same = run_png(photo, transform, helpers, "coffee.png", {"op": "brightness", "factor": 1})
    darker = run_png(photo, transform, helpers, "coffee.png", {"op": "brightness", "factor": 0.5})
    assert np.array_equal(same, source)
    assert abs(darker.mean() - source.mean() / 2) < 1.0


def test_contrast(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("coffee.png")).astype(np.int32)
    flat = run_png(photo, transform, helpers, "coffee.png", {"op": "contrast", "factor": 0})
    strong = run_png(photo, transform, helpers, "coffee.png", {"op": "contrast", "factor": 2})
    assert (flat == 128).all()
    assert strong.std() > 1.3 * source.std()


def test_filters_leave_alpha_untouched(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("logo.png"))  # RGBA
    for op in ({"op": "brightness", "factor": 1.5}, "sepia", {"op": "contrast", "factor": 1.4}):
        out = helpers.pixels(transform(photo("logo.png"), {"operations": [op], "output": PNG}).data)
        assert out.shape[2] == 4 and np.array_equal(out[:, :, 3], source[:, :, 3])


@pytest.mark.parametrize("style", ["pencil", "charcoal", "ink"])
def test_sketch_is_a_one_band_drawing(photo, transform, helpers, style: str) -> None:
    spec = {"operations": [{"op": "sketch", "style": style}], "output": PNG}
    result = transform(photo("astronaut.png"), spec)
    image = helpers.decode(result.data)
    assert image.bands == 1 and (result.width, result.height) == (512, 512)


def test_sketch_styles_have_their_character(photo, transform, helpers) -> None:
    def sketch(style: str) -> np.ndarray:
        spec = {"operations": [{"op": "sketch", "style": style}], "output": PNG}
        return helpers.pixels(transform(photo("astronaut.png"), spec).data)[:, :, 0]

    pencil, charcoal, ink = sketch("pencil"), sketch("charcoal"), sketch("ink")
    # Pencil: mostly paper-white with thin dark strokes.
    assert np.median(pencil) > 230 and (pencil < 100).mean() > 0.01
    # Charcoal: a darker, toned drawing.
    assert charcoal.mean() < pencil.mean() - 40
    # Ink: pure black and white line art.
    assert set(np.unique(ink)) <= {0, 255} and 0.05 < (ink == 0).mean() < 0.6
    # All three are drawings of the photo, not noise: they follow its darkest areas.
    source = helpers.pixels(photo("astronaut.png")).mean(axis=2)
    dark = source <= np.percentile(source, 10)
    for drawing in (pencil, charcoal, ink):
        assert drawing[dark].mean() < drawing.mean()
