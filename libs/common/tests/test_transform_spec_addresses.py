# ruff: noqa: E501  (the pinned canonical JSON strings are kept whole, as they are hashed)
"""Content addresses of existing variants never move: the canonical JSON and the variant key of
one spec per operation (and the object form, and output options), pinned as they were before the
operations became one module each. A change here would orphan every stored variant."""

import pytest

from platform_common.transform_spec import TransformSpec, variant_key

SPECS = [
    {"operations": [{"op": "resize", "width": 800}]},
    {
        "operations": [
            {"op": "resize", "width": 300, "height": 200, "fit": "cover", "gravity": "smart"}
        ]
    },
    {
        "operations": [
            {
                "op": "resize",
                "width": 300,
                "height": 200,
                "fit": "cover",
                "gravity": "focus",
                "focus": {"x": 0.3, "y": 0.6},
            }
        ]
    },
    {
        "operations": [
            {"op": "crop", "x": 10, "y": 20, "width": 100, "height": 50},
            {"op": "crop", "width": 40, "height": 40, "gravity": "northeast"},
        ]
    },
    {"operations": [{"op": "smart_crop", "width": 200, "height": 200, "interesting": "entropy"}]},
    {"operations": [{"op": "rotate", "angle": -90, "background": "white"}, "flip", "mirror"]},
    {
        "operations": [
            "grayscale",
            "sepia",
            {"op": "blur", "sigma": 3},
            {"op": "sharpen"},
            {"op": "brightness", "factor": 1.2},
            {"op": "contrast", "factor": 0.8},
        ]
    },
    {
        "operations": [{"op": "sketch", "style": "oil", "method": "artistic"}],
        "output": {"format": "webp", "quality": 70},
    },
    {
        "operations": [
            {
                "op": "watermark_text",
                "text": "(c) me",
                "color": "#FFF",
                "opacity": 0.3,
                "position": "top_left",
            }
        ]
    },
    {
        "operations": [
            {
                "op": "watermark_image",
                "image_id": "8a1f7a2e-2b7e-4a55-9d3c-0f5b0f3a9c11",
                "scale": 0.1,
            }
        ]
    },
    {
        "transformations": {
            "resize": {"width": 640},
            "rotate": 90,
            "filters": {"grayscale": True, "blur": 2},
            "format": "png",
        }
    },
    {"operations": [], "output": {"format": "avif", "strip_metadata": False, "keep_icc": False}},
]

PINNED = [
    (
        '{"operations":[{"background":"#000000","fit":"inside","height":null,"op":"resize","upscale":false,"width":800}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/efdafefe3fc1dee66067b13ef0738da4578e853d2c97831f54fd2423f7b9ee71.jpeg",
    ),
    (
        '{"operations":[{"background":"#000000","fit":"cover","gravity":"smart","height":200,"op":"resize","upscale":false,"width":300}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/e6e09dc9163ca028453d9fff3a1b7cfa602f6486400463c164cd5a7230d6f7f8.jpeg",
    ),
    (
        '{"operations":[{"background":"#000000","fit":"cover","focus":{"x":0.3,"y":0.6},"gravity":"focus","height":200,"op":"resize","upscale":false,"width":300}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/31172c8bb589bd4d4c25b37cafc0092ef0d2c695a20c3db07e051aa6d0e52db0.jpeg",
    ),
    (
        '{"operations":[{"height":50,"op":"crop","width":100,"x":10,"y":20},{"gravity":"northeast","height":40,"op":"crop","width":40,"x":0,"y":0}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/af251c736edbf13e164dbbcd764f4355be5e172da38e57e30425b66b75a910ec.jpeg",
    ),
    (
        '{"operations":[{"height":200,"interesting":"entropy","op":"smart_crop","width":200}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/635d4df5207f03cd18fb86c000faffc5b42240e4390e5122884bc15838bafcf3.jpeg",
    ),
    (
        '{"operations":[{"angle":270.0,"background":"#ffffff","op":"rotate"},{"op":"flip"},{"op":"mirror"}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/7745ff1241c9c42e0cc76fc0412a9916fecfc17a42b70d41e044cf61f63be3f6.jpeg",
    ),
    (
        '{"operations":[{"op":"grayscale"},{"op":"sepia"},{"op":"blur","sigma":3.0},{"op":"sharpen","sigma":1.0},{"factor":1.2,"op":"brightness"},{"factor":0.8,"op":"contrast"}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/befc00fa4f80d99e16c5dd72178966b7beda68eca8e5fa79cac0143e837e85c3.jpeg",
    ),
    (
        '{"operations":[{"method":"artistic","op":"sketch","style":"oil"}],"output":{"format":"webp","keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":70,"strip_metadata":true}}',
        "variants/62f1301e0aab452e14f3988385f294d16dab7872e353a3dad12792460f2eaeb2.webp",
    ),
    (
        '{"operations":[{"color":"#ffffff","font_size":32,"margin":16,"op":"watermark_text","opacity":0.3,"position":"top_left","text":"(c) me"}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/cd39bdc1807685b580a391f4ed0bdba5cb478f18b4397a08b5fa7a6d3b94df83.jpeg",
    ),
    (
        '{"operations":[{"image_id":"8a1f7a2e-2b7e-4a55-9d3c-0f5b0f3a9c11","margin":16,"op":"watermark_image","opacity":0.5,"position":"bottom_right","scale":0.1}],"output":{"format":null,"keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/6c7c9cb67334c2ceb9b38f162aa5b079aa62ca0f32f72799963c57729fd4a988.jpeg",
    ),
    (
        '{"operations":[{"background":"#000000","fit":"inside","height":null,"op":"resize","upscale":false,"width":640},{"angle":90.0,"background":"#000000","op":"rotate"},{"op":"grayscale"},{"op":"blur","sigma":2.0}],"output":{"format":"png","keep_icc":true,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":true}}',
        "variants/ef8405016eed97f6148e9bc1a95da75e06bb38bb6d1ade86470fc2a4104d9b1c.png",
    ),
    (
        '{"operations":[],"output":{"format":"avif","keep_icc":false,"lossless":false,"png_compression":6,"png_palette":false,"quality":80,"strip_metadata":false}}',
        "variants/0aecf4076a1e1e97f19c2b17461f70d505b208e401ccae1417c1d8366b2694be.avif",
    ),
]


@pytest.mark.parametrize(("spec", "pinned"), list(zip(SPECS, PINNED, strict=True)))
def test_canonical_json_and_variant_key_are_unchanged(spec, pinned) -> None:
    canonical, key = pinned
    parsed = TransformSpec.model_validate(spec)
    assert parsed.canonical_json() == canonical
    assert variant_key("ab" * 32, parsed, "jpeg") == key
