"""Text and image watermarks: placed where asked, visible, and touching nothing else."""

import uuid

import numpy as np
import pytest

from transformer_service.domain.errors import InvalidOperation

PNG = {"format": "png"}


def changed_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the pixels that differ."""
    rows, cols = np.nonzero(np.any(before != after, axis=2))
    assert rows.size, "nothing changed"
    return rows.min(), cols.min(), rows.max(), cols.max()


def text_spec(**fields) -> dict:
    mark = {"op": "watermark_text", "text": "(c) Example", "font_size": 36, **fields}
    return {"operations": [mark], "output": PNG}


def test_text_watermark_changes_only_its_corner(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    out = helpers.pixels(transform(photo("astronaut.png"), text_spec(opacity=0.8)).data)
    top, left, bottom, right = changed_box(source, out)
    # bottom_right with a 16 px margin: the ink sits in the lower-right corner, inside the margin.
    assert bottom <= 512 - 16 and right <= 512 - 16
    assert top > 512 - 16 - 80 and left > 512 / 3
    outside = np.ones(source.shape[:2], bool)
    outside[top : bottom + 1, left : right + 1] = False
    assert np.array_equal(source[outside], out[outside])


@pytest.mark.parametrize(
    ("position", "corner"),
    [("top_left", (0, 0)), ("top_right", (0, 1)), ("bottom_left", (1, 0)), ("center", None)],
)
def test_text_watermark_positions(photo, transform, helpers, position, corner) -> None:
    source = helpers.pixels(photo("astronaut.png"))
    out = helpers.pixels(transform(photo("astronaut.png"), text_spec(position=position)).data)
    top, left, bottom, right = changed_box(source, out)
    centre_y, centre_x = (top + bottom) / 2, (left + right) / 2
    if corner is None:
        assert abs(centre_y - 256) < 20 and abs(centre_x - 256) < 20
    else:
        assert (centre_y > 256) == bool(corner[0]) and (centre_x > 256) == bool(corner[1])


def test_text_colour_and_opacity(photo, transform, helpers) -> None:
    source = helpers.pixels(photo("astronaut.png")).astype(int)
    solid = helpers.pixels(
        transform(photo("astronaut.png"), text_spec(color="#ff0000", opacity=1.0)).data
    ).astype(int)
    invisible = helpers.pixels(transform(photo("astronaut.png"), text_spec(opacity=0)).data)
    assert np.array_equal(invisible, source)
    inked = np.all(solid == [255, 0, 0], axis=2)
    assert inked.sum() > 200  # the glyphs' cores are pure red


def test_text_is_shown_literally_not_as_markup(photo, transform, helpers) -> None:
    result = transform(photo("astronaut.png"), text_spec(text="<b>bold & </b>"))
    assert result.width == 512


def test_long_text_is_shrunk_to_fit(photo, transform, helpers) -> None:
    result = transform(photo("rocket.jpg"), text_spec(text="W" * 200, font_size=200))
    assert (result.width, result.height) == (640, 427)


def test_image_watermark_from_another_image(photo, transform, helpers) -> None:
    logo_id = str(uuid.uuid4())
    spec = {
        "operations": [
            {
                "op": "watermark_image",
                "image_id": logo_id,
                "opacity": 1.0,
                "position": "top_left",
                "scale": 0.25,
                "margin": 0,
            }
        ],
        "output": PNG,
    }
    source = helpers.pixels(photo("coffee.png"))
    out = helpers.pixels(
        transform(photo("coffee.png"), spec, assets={logo_id: photo("logo.png")}).data
    )
    top, left, bottom, right = changed_box(source, out)
    assert top >= 0 and left >= 0 and right < 150 and bottom < 150  # 25% of 600 = 150 px wide
    assert out.shape == source.shape


def test_image_watermark_needs_its_image(photo, transform) -> None:
    spec = {"operations": [{"op": "watermark_image", "image_id": str(uuid.uuid4())}]}
    with pytest.raises(InvalidOperation, match="not found"):
        transform(photo("coffee.png"), spec)


def test_a_broken_watermark_image_is_an_invalid_operation(photo, transform) -> None:
    logo_id = str(uuid.uuid4())
    spec = {"operations": [{"op": "watermark_image", "image_id": logo_id}]}
    with pytest.raises(InvalidOperation, match="watermark image cannot be used"):
        transform(photo("coffee.png"), spec, assets={logo_id: b"not an image at all"})
