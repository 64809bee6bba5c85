"""The cost estimate orders jobs the way their real work does (pixels x operations)."""

import pytest

from platform_common.transform_spec import TransformSpec
from platform_common.transform_spec.cost import ASSUMED_SOURCE_SIZE, estimate_cost

PHOTO = (4000, 3000)
THUMBNAIL = {"operations": [{"op": "resize", "width": 320}], "output": {"format": "webp"}}
EXPENSIVE = {
    "operations": [
        {"op": "resize", "width": 7000, "height": 7000, "upscale": True},
        {"op": "rotate", "angle": 45},
        {"op": "blur", "sigma": 50},
        {"op": "sketch", "style": "pencil"},
    ],
    "output": {"format": "png", "png_compression": 9},
}


def cost(spec: dict, size: tuple[int, int] | None = PHOTO, source_format: str = "jpeg") -> float:
    return estimate_cost(TransformSpec.model_validate(spec), size, source_format).megapixel_ops


def test_a_thumbnail_costs_about_decoding_the_photo() -> None:
    # Decoding 12 MP dominates; the 320 px resample and encode add little.
    assert 12 <= cost(THUMBNAIL) <= 13


def test_the_expensive_request_of_the_issue_costs_hundreds_of_thumbnails() -> None:
    assert cost(EXPENSIVE) > 150 * cost(THUMBNAIL)


def test_an_upscale_makes_every_later_step_cost_more() -> None:
    blur = {"op": "blur", "sigma": 10}
    small = {"operations": [{"op": "resize", "width": 1000}, blur]}
    large = {"operations": [{"op": "resize", "width": 8000, "upscale": True}, blur]}
    assert cost(large) > 10 * cost(small)


def test_without_upscale_a_resize_never_grows_the_image() -> None:
    grow = {"operations": [{"op": "resize", "width": 8000}, "grayscale"]}
    same = {"operations": [{"op": "resize", "width": 4000}, "grayscale"]}
    assert cost(grow) == cost(same)


def test_a_free_rotation_expands_the_canvas_a_right_angle_does_not() -> None:
    right = cost({"operations": [{"op": "rotate", "angle": 90}, "grayscale"]})
    free = cost({"operations": [{"op": "rotate", "angle": 45}, "grayscale"]})
    assert free > 1.5 * right


def test_a_crop_makes_later_steps_cheaper() -> None:
    blur = {"op": "blur", "sigma": 20}
    cropped = {"operations": [{"op": "crop", "width": 100, "height": 100}, blur]}
    assert cost(cropped) < cost({"operations": [blur]}) / 5


@pytest.mark.parametrize(
    ("cheaper", "dearer"),
    [
        ({"op": "blur", "sigma": 2}, {"op": "blur", "sigma": 40}),
        ({"op": "sketch", "method": "basic"}, {"op": "sketch", "method": "artistic"}),
        ("mirror", {"op": "sketch"}),
    ],
)
def test_heavier_filters_cost_more(cheaper, dearer) -> None:
    assert cost({"operations": [cheaper]}) < cost({"operations": [dearer]})


def test_encoders_are_weighed_png_by_its_level() -> None:
    png = [cost({"output": {"format": "png", "png_compression": level}}) for level in (0, 6, 9)]
    assert png == sorted(png) and png[0] < png[-1]
    assert cost({"output": {"format": "avif"}}) > cost({"output": {"format": "jpeg"}})


def test_an_unknown_source_size_is_assumed_a_typical_photo() -> None:
    assert ASSUMED_SOURCE_SIZE[0] * ASSUMED_SOURCE_SIZE[1] == 12_000_000
    assert cost(THUMBNAIL, None) == cost(THUMBNAIL, ASSUMED_SOURCE_SIZE)


def test_units_round_up_and_stay_within_the_ceiling() -> None:
    estimate = estimate_cost(TransformSpec.model_validate(EXPENSIVE), PHOTO, "jpeg")
    assert estimate.units(unit=50, ceiling=1000) == -(-estimate.megapixel_ops // 50)
    assert estimate.units(unit=50, ceiling=10) == 10
    light = estimate_cost(TransformSpec.model_validate(THUMBNAIL), (100, 100), "jpeg")
    assert light.units(unit=50, ceiling=10) == 1
    assert estimate.is_heavy(500) and not light.is_heavy(500)
