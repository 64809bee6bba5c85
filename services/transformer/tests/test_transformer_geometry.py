"""Geometry operations on real photos: dimensions, exact pixel moves, bounds."""

import numpy as np
import pytest
import pyvips

from transformer_service.domain.errors import InvalidOperation

PNG = {"format": "png"}


def test_resize_width_only_keeps_the_aspect_ratio(photo, transform, helpers) -> None:
    result = transform(photo("rocket.jpg"), {"operations": [{"op": "resize", "width": 320}]})
    assert (result.width, result.height) == (320, 214)  # 640x427 halved, rounded
    assert helpers.sniff(result.data) == "jpeg"
    assert (helpers.decode(result.data).width, helpers.decode(result.data).height) == (320, 214)


def test_resize_height_only(photo, transform) -> None:
    result = transform(photo("rocket.jpg"), {"operations": [{"op": "resize", "height": 100}]})
    assert result.height == 100 and result.width == 150


@pytest.mark.parametrize("fit", ["cover", "contain", "fill"])
def test_box_fits_give_the_exact_box(photo, transform, fit: str) -> None:
    spec = {"operations": [{"op": "resize", "width": 200, "height": 200, "fit": fit}]}
    result = transform(photo("rocket.jpg"), spec)
    assert (result.width, result.height) == (200, 200)


def test_inside_fits_within_the_box(photo, transform) -> None:
    spec = {"operations": [{"op": "resize", "width": 200, "height": 200, "fit": "inside"}]}
    result = transform(photo("rocket.jpg"), spec)
    assert (result.width, result.height) == (200, 133)


def test_contain_pads_with_the_background_colour(photo, transform, helpers) -> None:
    spec = {
        "operations": [
            {"op": "resize", "width": 300, "height": 300, "fit": "contain", "background": "#f00"}
        ],
        "output": PNG,
    }
    out = helpers.pixels(transform(photo("rocket.jpg"), spec).data)
    assert out[0, 0].tolist() == [255, 0, 0] and out[-1, -1].tolist() == [255, 0, 0]
    assert out[150, 150].tolist() != [255, 0, 0]  # the photo is in the middle


def test_no_upscaling_unless_asked(photo, transform) -> None:
    small = {"operations": [{"op": "resize", "width": 1280}]}
    assert transform(photo("rocket.jpg"), small).width == 640
    small["operations"][0]["upscale"] = True
    assert transform(photo("rocket.jpg"), small).width == 1280


def test_resize_later_in_the_chain_matches_a_leading_resize(photo, transform) -> None:
    lead = transform(
        photo("rocket.jpg"), {"operations": [{"op": "resize", "width": 300}, "mirror"]}
    )
    late = transform(
        photo("rocket.jpg"), {"operations": ["mirror", {"op": "resize", "width": 300}]}
    )
    assert (lead.width, lead.height) == (late.width, late.height)


def test_crop_is_exactly_the_source_region(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    spec = {"operations": [{"op": "crop", "x": 100, "y": 50, "width": 120, "height": 80}]}
    out = helpers.pixels(transform(photo("astronaut.png"), {**spec, "output": PNG}).data)
    assert out.shape == (80, 120, 3)
    assert np.array_equal(out, source[50:130, 100:220])


def test_crop_outside_the_image_is_an_invalid_operation(photo, transform) -> None:
    spec = {"operations": [{"op": "crop", "x": 500, "y": 0, "width": 100, "height": 10}]}
    with pytest.raises(InvalidOperation, match="outside the 512x512 image") as caught:
        transform(photo("astronaut.png"), spec)
    assert caught.value.code == "invalid_operation"


@pytest.mark.parametrize("interesting", ["attention", "entropy"])
def test_smart_crop_gives_the_size_asked(photo, transform, interesting: str) -> None:
    spec = {
        "operations": [
            {"op": "smart_crop", "width": 200, "height": 300, "interesting": interesting}
        ]
    }
    result = transform(photo("coffee.png"), spec)
    assert (result.width, result.height) == (200, 300)


def test_smart_crop_larger_than_the_image_is_refused(photo, transform) -> None:
    spec = {"operations": [{"op": "smart_crop", "width": 2000, "height": 10}]}
    with pytest.raises(InvalidOperation, match="larger than"):
        transform(photo("coffee.png"), spec)


def test_rotate_90_swaps_dimensions_and_moves_pixels_exactly(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("coffee.png"))  # 600x400
    spec = {"operations": [{"op": "rotate", "angle": 90}], "output": PNG}
    result = transform(photo("coffee.png"), spec)
    assert (result.width, result.height) == (400, 600)
    assert np.array_equal(helpers.pixels(result.data), np.rot90(source, k=-1))  # clockwise


def test_rotate_minus_90_is_rotate_270(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("coffee.png"))
    spec = {"operations": [{"op": "rotate", "angle": -90}], "output": PNG}
    assert np.array_equal(
        helpers.pixels(transform(photo("coffee.png"), spec).data), np.rot90(source)
    )


def test_rotate_180(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("coffee.png"))
    spec = {"operations": [{"op": "rotate", "angle": 180}], "output": PNG}
    out = helpers.pixels(transform(photo("coffee.png"), spec).data)
    assert np.array_equal(out, source[::-1, ::-1])


def test_rotate_any_angle_expands_and_fills_corners(photo, transform, helpers) -> None:
    spec = {"operations": [{"op": "rotate", "angle": 15, "background": "#00ff00"}], "output": PNG}
    result = transform(photo("coffee.png"), spec)
    assert result.width > 600 and result.height > 400
    assert helpers.pixels(result.data)[0, 0].tolist() == [0, 255, 0]


def test_rotate_with_a_transparent_background_adds_alpha(photo, transform, helpers) -> None:
    spec = {
        "operations": [{"op": "rotate", "angle": 30, "background": "transparent"}],
        "output": PNG,
    }
    out = helpers.pixels(transform(photo("coffee.png"), spec).data)
    assert out.shape[2] == 4 and out[0, 0, 3] == 0


def test_flip_is_upside_down(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    out = helpers.pixels(
        transform(photo("astronaut.png"), {"operations": ["flip"], "output": PNG}).data
    )
    assert np.array_equal(out, source[::-1])


def test_mirror_is_left_right(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    spec = {"operations": ["mirror"], "output": PNG}
    assert np.array_equal(
        helpers.pixels(transform(photo("astronaut.png"), spec).data), source[:, ::-1]
    )


def test_exif_orientation_is_applied(photo, transform, helpers) -> None:
    # A real photo re-saved with EXIF orientation 6 ("rotate 90 clockwise to display").
    image = helpers.decode(photo("rocket.jpg")).copy()
    image.set_type(pyvips.GValue.gint_type, "orientation", 6)
    tagged = image.jpegsave_buffer(Q=95, keep=pyvips.enums.ForeignKeep.ALL)
    assert helpers.decode(tagged).get("orientation") == 6
    for spec in ({"operations": []}, {"operations": [{"op": "resize", "width": 200}]}):
        result = transform(tagged, spec)
        assert result.height > result.width  # displayed upright: portrait
        assert "orientation" not in helpers.decode(result.data).get_fields()
