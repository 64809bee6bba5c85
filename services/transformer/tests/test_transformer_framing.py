"""Gravity and smart framing on real photos: where the window lands; the subject is kept."""

import numpy as np
import pytest
import pyvips
from skimage import data
from skimage.feature import Cascade

PNG = {"format": "png"}


@pytest.fixture(scope="module")
def astronaut_face() -> tuple[int, int, int, int]:
    """The face's box (left, top, right, bottom), found by scikit-image's own face detector, so
    the subject is known independently of libvips."""
    detector = Cascade(data.lbp_frontal_face_cascade_filename())
    faces = detector.detect_multi_scale(
        img=data.astronaut(), scale_factor=1.2, step_ratio=1, min_size=(60, 60), max_size=(300, 300)
    )
    assert len(faces) == 1
    face = faces[0]
    return face["c"], face["r"], face["c"] + face["width"], face["r"] + face["height"]


def covers(window: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    return (
        window[0] <= box[0] and window[1] <= box[1] and window[2] >= box[2] and window[3] >= box[3]
    )


def band_top(source: np.ndarray, band: np.ndarray) -> int:
    """The row where a full-width band cut from `source` starts."""
    assert band.shape[1] == source.shape[1]
    for top in range(source.shape[0] - band.shape[0] + 1):
        if np.array_equal(source[top : top + band.shape[0]], band):
            return top
    raise AssertionError("the band is not an exact region of the source")


@pytest.mark.parametrize(
    ("gravity", "expected"),
    [("northwest", (0, 0)), ("southeast", (412, 312)), ("north", (206, 0)), ("west", (0, 156))],
)
def test_crop_gravity_places_the_window_at_the_compass_point(
    photo, transform, helpers, gravity: str, expected: tuple[int, int]
) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    spec = {"operations": [{"op": "crop", "width": 100, "height": 200, "gravity": gravity}]}
    out = helpers.pixels(transform(photo("astronaut.png"), {**spec, "output": PNG}).data)
    left, top = expected
    assert np.array_equal(out, source[top : top + 200, left : left + 100])


def test_crop_focus_centres_on_the_point_and_stays_inside(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    focus = {"op": "crop", "width": 100, "height": 100, "gravity": "focus"}
    centred = transform(
        photo("astronaut.png"),
        {"operations": [{**focus, "focus": {"x": 0.5, "y": 0.25}}]} | {"output": PNG},
    )
    assert np.array_equal(helpers.pixels(centred.data), source[78:178, 206:306])
    edge = transform(
        photo("astronaut.png"),
        {"operations": [{**focus, "focus": {"x": 1.0, "y": 0.0}}]} | {"output": PNG},
    )
    assert np.array_equal(helpers.pixels(edge.data), source[0:100, 412:512])


@pytest.mark.parametrize("gravity", ["west", "east", "focus"])
def test_resize_cover_gravity_keeps_the_chosen_side(photo, transform, helpers, gravity) -> None:
    """rocket.jpg is 640x427: a 100x100 cover scales it to 150x100 and cuts 50 px off the sides."""
    extra = {"focus": {"x": 0.0, "y": 0.5}} if gravity == "focus" else {}
    cover = {"op": "resize", "width": 100, "height": 100, "fit": "cover", "gravity": gravity}
    result = transform(photo("rocket.jpg"), {"operations": [cover | extra], "output": PNG})
    assert (result.width, result.height) == (100, 100)
    scaled = helpers.pixels(
        transform(
            photo("rocket.jpg"), {"operations": [{"op": "resize", "height": 100}], "output": PNG}
        ).data
    )
    assert scaled.shape[:2] == (100, 150)
    left = 50 if gravity == "east" else 0
    difference = np.abs(helpers.pixels(result.data).astype(int) - scaled[:, left : left + 100])
    assert difference.mean() < 2  # the same pixels, up to resampling rounding


def test_resize_cover_without_gravity_is_the_centre_as_before(photo, transform, helpers) -> None:
    cover = {"op": "resize", "width": 100, "height": 100, "fit": "cover"}
    before = transform(photo("rocket.jpg"), {"operations": [cover], "output": PNG})
    centre = transform(
        photo("rocket.jpg"), {"operations": [cover | {"gravity": "center"}], "output": PNG}
    )
    assert before.data == centre.data


def test_smart_crop_keeps_the_face(photo, transform, helpers, astronaut_face) -> None:
    """A 512x200 banner of the astronaut: the centre band (rows 156-356) cuts the face off, the
    smart one keeps it whole."""
    source = helpers.pixels(photo("astronaut.png"))
    for spec in (
        {"op": "smart_crop", "width": 512, "height": 200},
        {"op": "crop", "width": 512, "height": 200, "gravity": "smart"},
    ):
        out = helpers.pixels(
            transform(photo("astronaut.png"), {"operations": [spec], "output": PNG}).data
        )
        top = band_top(source, out)
        assert covers((0, top, 512, top + 200), astronaut_face)
    assert not covers((0, 156, 512, 356), astronaut_face)


def test_smart_crop_of_a_large_photo_maps_the_reduced_analysis_back(
    photo, transform, helpers, astronaut_face
) -> None:
    """The astronaut at 4x (2048 px): the window found on the reduced copy, scaled back, still
    holds the (scaled) face."""
    large = pyvips.Image.new_from_buffer(photo("astronaut.png"), "").resize(4, kernel="nearest")
    spec = {"operations": [{"op": "smart_crop", "width": 2048, "height": 800}], "output": PNG}
    out = helpers.pixels(transform(large.pngsave_buffer(compression=1), spec).data)
    assert out.shape[:2] == (800, 2048)
    top = band_top(helpers.pixels(large), out)
    face = tuple(4 * v for v in astronaut_face)
    assert covers((0, top, 2048, top + 800), face)


def test_resize_cover_with_smart_gravity_keeps_the_face(
    photo, transform, helpers, astronaut_face
) -> None:
    cover = {"op": "resize", "width": 400, "height": 150, "fit": "cover", "gravity": "smart"}
    result = transform(photo("astronaut.png"), {"operations": [cover], "output": PNG})
    assert (result.width, result.height) == (400, 150)
    scaled = helpers.pixels(
        transform(
            photo("astronaut.png"), {"operations": [{"op": "resize", "width": 400}], "output": PNG}
        ).data
    )
    top = band_top(scaled, helpers.pixels(result.data))
    face_top, face_bottom = astronaut_face[1] * 400 / 512, astronaut_face[3] * 400 / 512
    assert top <= face_top and top + 150 >= face_bottom
