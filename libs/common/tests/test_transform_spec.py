"""The transform spec: both input forms, bounds with messages naming the field, canonical form."""

import uuid

import pytest
from pydantic import ValidationError

from platform_common.transform_spec import (
    MAX_OPERATIONS,
    OBJECT_FORM_ORDER,
    OnTheFlyParams,
    TransformSpec,
    colour_rgba,
    describe_errors,
    spec_from_query,
    variant_etag,
    variant_key,
)


def error_of(data: object) -> str:
    with pytest.raises(ValidationError) as caught:
        TransformSpec.model_validate(data)
    return describe_errors(caught.value)


def test_object_form_is_normalised_into_the_documented_order() -> None:
    spec = TransformSpec.model_validate(
        {
            "transformations": {
                "rotate": 90,
                "format": "webp",
                "resize": {"width": 800, "height": 600},
                "crop": {"x": 10, "y": 20, "width": 300, "height": 200},
                "filters": {"sepia": True, "grayscale": True, "blur": 2},
                "watermark": "(c) me",
                "mirror": True,
                "flip": False,
            }
        }
    )
    ops = [op.op for op in spec.operations]
    assert ops == [
        "crop",
        "resize",
        "rotate",
        "mirror",
        "grayscale",
        "sepia",
        "blur",
        "watermark_text",
    ]
    assert ops == sorted(ops, key=lambda name: OBJECT_FORM_ORDER.index(name.split("_text")[0]))
    assert spec.output.format == "webp"


def test_ordered_form_keeps_the_given_order_and_accepts_shorthand() -> None:
    spec = TransformSpec.model_validate(
        {"operations": ["grayscale", {"op": "resize", "width": 100}, "flip"]}
    )
    assert [op.op for op in spec.operations] == ["grayscale", "resize", "flip"]


def test_equivalent_specs_share_canonical_json_and_address() -> None:
    explicit = TransformSpec.model_validate(
        {
            "operations": [
                {"op": "resize", "width": 800, "fit": "inside", "upscale": False},
                {"op": "rotate", "angle": 270, "background": "#000"},
            ],
            "output": {"format": "jpg", "quality": 80},
        }
    )
    short = TransformSpec.model_validate(
        {"transformations": {"resize": {"width": 800}, "rotate": -90, "format": "jpeg"}}
    )
    assert explicit.canonical_json() == short.canonical_json()
    assert " " not in short.canonical_json()
    assert variant_key("sum", explicit) == variant_key("sum", short)
    assert variant_key("sum", short).startswith("variants/")
    assert variant_key("sum", short).endswith(".jpeg")
    assert variant_key("other", short) != variant_key("sum", short)


def test_variant_key_needs_the_source_format_when_the_spec_keeps_it() -> None:
    spec = TransformSpec.model_validate({"operations": ["grayscale"]})
    with pytest.raises(ValueError, match="source_format"):
        variant_key("sum", spec)
    assert variant_key("sum", spec, "image/png").endswith(".png")
    assert variant_key("sum", spec, "heic").endswith(".jpeg")


def test_etag_is_the_quoted_content_hash() -> None:
    key = variant_key("sum", TransformSpec.model_validate({"output": {"format": "png"}}))
    etag = variant_etag(key)
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 66
    assert etag.strip('"') in key


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"operations": [{"op": "resize", "width": 0}]}, "operations[0].resize.width"),
        ({"operations": [{"op": "resize", "width": 10_001}]}, "operations[0].resize.width"),
        ({"operations": [{"op": "rotate", "angle": 400}]}, "operations[0].rotate.angle"),
        ({"operations": [{"op": "blur", "sigma": 500}]}, "operations[0].blur.sigma"),
        ({"operations": [{"op": "watermark_text", "text": "x" * 201}]}, "watermark_text.text"),
        ({"operations": [{"op": "crop", "x": 0, "y": 0, "width": 5}]}, "crop.height"),
        ({"output": {"quality": 0}}, "output.quality"),
        ({"output": {"format": "bmp"}}, "output.format"),
        ({"operations": [{"op": "resize", "width": 5, "colour": 1}]}, "resize.colour"),
        ({"transformations": {"resize": {"width": -1}}}, "resize.width"),
        ({"operations": [{"op": "rotate", "angle": 5, "background": "nope"}]}, "background"),
    ],
)
def test_bounds_are_enforced_with_the_field_named(data: dict, field: str) -> None:
    assert field in error_of(data)


def test_resize_needs_a_dimension() -> None:
    assert "resize needs a width, a height, or both" in error_of({"operations": [{"op": "resize"}]})


def test_unknown_object_form_keys_are_refused_by_name() -> None:
    message = error_of({"transformations": {"resise": {"width": 1}, "filters": {"vivid": True}}})
    assert "resise" in message and "filters.vivid" in message


def test_unknown_operation_is_refused() -> None:
    assert "'explode'" in error_of({"operations": [{"op": "explode"}]})


def test_operation_count_is_bounded() -> None:
    message = error_of({"operations": ["flip"] * (MAX_OPERATIONS + 1)})
    assert "operations" in message and str(MAX_OPERATIONS) in message


def test_watermark_image_in_object_form_and_its_ids() -> None:
    image_id = uuid.uuid4()
    spec = TransformSpec.model_validate(
        {"transformations": {"watermark": {"image_id": str(image_id), "opacity": 0.3}}}
    )
    assert spec.operations[0].op == "watermark_image"
    assert spec.watermark_image_ids() == [str(image_id)]


def test_colours_are_normalised() -> None:
    spec = TransformSpec.model_validate(
        {"operations": [{"op": "watermark_text", "text": "hi", "color": "#FFF"}]}
    )
    assert spec.operations[0].color == "#ffffff"
    assert colour_rgba("transparent") == (0, 0, 0, 0)
    assert colour_rgba("#11223380") == (0x11, 0x22, 0x33, 0x80)


def test_compress_shorthand_sets_quality() -> None:
    spec = TransformSpec.model_validate({"transformations": {"compress": 40, "format": "webp"}})
    assert spec.output.quality == 40 and spec.output.format == "webp"


def test_on_the_fly_query_builds_a_resize_and_output() -> None:
    spec = spec_from_query({"w": "800", "fit": "cover", "format": "webp", "q": "70", "x": "1"})
    assert spec is not None
    assert spec.operations[0].op == "resize" and spec.operations[0].fit == "cover"
    assert (spec.output.format, spec.output.quality) == ("webp", 70)
    assert spec_from_query({}) is None
    assert spec_from_query({"format": "jpg"}).output.format == "jpeg"


def test_parsed_on_the_fly_parameters_give_the_spec_without_a_second_parse() -> None:
    parsed = OnTheFlyParams(w=800, h=600, fit="cover", format="jpg", q=70)
    spec = parsed.spec()
    raw = {"w": "800", "h": "600", "fit": "cover", "format": "jpg", "q": "70"}
    assert spec == spec_from_query(raw)
    assert spec is not None and spec.output.format == "jpeg"
    assert OnTheFlyParams().spec() is None


def test_on_the_fly_query_errors_name_the_parameter() -> None:
    with pytest.raises(ValidationError) as caught:
        spec_from_query({"w": "0", "q": "101"})
    message = describe_errors(caught.value)
    assert message.startswith("w:") and "q:" in message


def test_specs_without_gravity_keep_their_canonical_json() -> None:
    """The exact strings written before gravity existed: variants already stored keep their key."""
    resize = TransformSpec.model_validate({"operations": [{"op": "resize", "width": 800}]})
    crop = TransformSpec.model_validate(
        {"operations": [{"op": "crop", "x": 1, "y": 2, "width": 3, "height": 4}]}
    )
    output = (
        '"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,'
        '"png_palette":false,"quality":80,"strip_metadata":true}'
    )
    assert resize.canonical_json() == (
        '{"operations":[{"background":"#000000","fit":"inside","height":null,"op":"resize",'
        '"upscale":false,"width":800}],' + output + "}"
    )
    assert crop.canonical_json() == (
        '{"operations":[{"height":4,"op":"crop","width":3,"x":1,"y":2}],' + output + "}"
    )
    centre = {"op": "resize", "width": 800, "fit": "cover"}
    assert (
        TransformSpec.model_validate(
            {"operations": [centre | {"gravity": "center"}]}
        ).canonical_json()
        == TransformSpec.model_validate({"operations": [centre]}).canonical_json()
    )


def test_gravity_and_focus_are_part_of_the_canonical_json() -> None:
    spec = TransformSpec.model_validate(
        {
            "operations": [
                {"op": "resize", "width": 8, "height": 8, "fit": "cover", "gravity": "smart"},
                {
                    "op": "crop",
                    "width": 4,
                    "height": 4,
                    "gravity": "focus",
                    "focus": {"x": 0.25, "y": 1},
                },
            ]
        }
    )
    assert '"gravity":"smart"' in spec.canonical_json()
    assert '"focus":{"x":0.25,"y":1.0},"gravity":"focus"' in spec.canonical_json()
    assert TransformSpec.model_validate_json(spec.canonical_json()) == spec


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"op": "resize", "width": 8, "gravity": "north"}, 'gravity applies to fit "cover" only'),
        (
            {"op": "resize", "width": 8, "fit": "cover", "gravity": "up"},
            "operations[0].resize.gravity",
        ),
        ({"op": "crop", "width": 8, "height": 8, "gravity": "focus"}, 'needs focus: {"x"'),
        (
            {"op": "crop", "width": 8, "height": 8, "focus": {"x": 0, "y": 0}},
            'only with gravity "focus"',
        ),
        (
            {"op": "crop", "width": 8, "height": 8, "x": 3, "gravity": "east"},
            "x/y offsets or a gravity",
        ),
        (
            {"op": "crop", "width": 8, "height": 8, "gravity": "focus", "focus": {"x": 2, "y": 0}},
            "focus.x",
        ),
    ],
)
def test_bad_gravity_is_refused_by_name(operation: dict, message: str) -> None:
    assert message in error_of({"operations": [operation]})


def test_an_object_form_output_that_is_not_an_object_is_a_validation_error() -> None:
    # Found by schemathesis: a list here was a TypeError, so a 500 instead of a 422.
    with pytest.raises(ValidationError, match=r"transformations\.output must be an object"):
        TransformSpec.model_validate({"transformations": {"output": [None, None]}})
