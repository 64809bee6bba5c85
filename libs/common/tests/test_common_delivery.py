"""The delivery URL grammar, imgproxy's signature and the processing options (pure logic)."""

import base64
import uuid

import pytest

from platform_common.delivery import (
    DeliveryUrlError,
    OptionError,
    SigningPair,
    build_spec,
    delivery_path,
    matching_pair,
    parse_delivery_path,
    parse_options,
    signature,
)
from platform_common.transform_spec import TransformSpec

ACCOUNT = uuid.UUID("7a1d2b4c-0000-4000-8000-000000000001")
IMAGE = uuid.UUID("5e0f9c3a-0000-4000-8000-000000000002")
SOURCE = (1200, 800)


def spec_of(options: str, **kwargs) -> dict:
    built = build_spec(parse_options(options.split("/")), source_size=SOURCE, **kwargs)
    return TransformSpec.model_validate(built.spec).model_dump(mode="json")


def test_signature_matches_imgproxys_documented_worked_example():
    path = "/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png"
    assert signature(bytes.fromhex("736563726574"), bytes.fromhex("68656C6C6F"), path) == (
        "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8"
    )


def test_truncated_signature_matches_imgproxys_test_vector():
    # imgproxy's own signature tests: key "test-key", salt "test-salt", path "/asd".
    assert signature(b"test-key", b"test-salt", "/asd", 8) == "oWaL7QoW5Ts"


def test_any_active_pair_verifies_and_a_wrong_one_does_not():
    old, new = SigningPair("old", b"k1", b"s1"), SigningPair("new", b"k2", b"s2")
    given = signature(new.key, new.salt, "/w:10/plain/x")
    assert matching_pair([old, new], given, "/w:10/plain/x") is new
    assert matching_pair([old], given, "/w:10/plain/x") is None
    assert matching_pair([old, new], given, "/w:11/plain/x") is None


def test_plain_and_base64_sources_parse_to_the_same_image():
    pair = SigningPair("k", b"key", b"salt")
    plain = parse_delivery_path(delivery_path(pair, ACCOUNT, IMAGE, ["rs:fit:300:200"], "webp"))
    assert (plain.account_id, plain.image_id, plain.extension) == (ACCOUNT, IMAGE, "webp")
    assert plain.options == ("rs:fit:300:200",)
    assert signature(b"key", b"salt", plain.signed_path) == plain.signature
    encoded = base64.urlsafe_b64encode(str(IMAGE).encode()).decode().rstrip("=")
    split = f"{encoded[:10]}/{encoded[10:]}"  # imgproxy allows splitting the encoded source
    parsed = parse_delivery_path(f"/d/{ACCOUNT}/sig/q:80/{split}.png")
    assert (parsed.image_id, parsed.extension, parsed.options) == (IMAGE, "png", ("q:80",))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/d/{ACCOUNT}/", 403),
        (f"/d/not-an-id/sig/plain/{IMAGE}", 404),
        (f"/d/{ACCOUNT}/sig/w:10/plain/not-an-id@png", 404),
        (f"/d/{ACCOUNT}/sig/w:10", 404),
        (f"/d/{ACCOUNT}/sig/w:10/!!!.png", 404),
    ],
)
def test_malformed_urls_are_refused_with_imgproxys_codes(path, status):
    with pytest.raises(DeliveryUrlError) as raised:
        parse_delivery_path(path)
    assert raised.value.status_code == status


def test_imgproxy_options_map_onto_the_transform_spec():
    spec = spec_of("rs:fill:300:200/g:sm/q:70/bl:2/sh:1/rot:90/fl:1:0/sm:0", extension="jpg")
    ops = spec["operations"]
    assert [op["op"] for op in ops] == ["resize", "rotate", "mirror", "blur", "sharpen"]
    assert ops[0]["fit"] == "cover" and ops[0]["gravity"] == "smart"
    assert spec["output"]["format"] == "jpeg" and spec["output"]["quality"] == 70
    assert spec["output"]["strip_metadata"] is False


def test_same_options_long_or_short_give_the_same_spec():
    short = spec_of("rs:fit:300:0/el:1/q:60/f:webp")
    long = spec_of("resize:fit:300:0/enlarge:true/quality:60/format:webp")
    assert short == long


def test_fit_matches_the_plain_transform_request_so_both_share_a_content_address():
    delivered = spec_of("rs:fit:300:300", extension="png")
    requested = TransformSpec.model_validate(
        {"operations": [{"op": "resize", "width": 300, "height": 300}], "output": {"format": "png"}}
    ).model_dump(mode="json")
    assert delivered == requested


def test_extend_pads_with_the_background_and_force_stretches():
    extended = spec_of("rs:fit:300:300:0:1/bg:255:0:0")["operations"][0]
    assert extended["fit"] == "contain" and extended["background"] == "#ff0000"
    assert spec_of("rs:force:300:300")["operations"][0]["fit"] == "fill"


def test_dpr_multiplies_but_never_beyond_the_source_unless_enlarged():
    assert spec_of("w:300/dpr:2")["operations"][0]["width"] == 600
    assert spec_of("w:1000/dpr:2")["operations"][0]["width"] == 1200  # the source's width
    assert spec_of("w:1000/dpr:2/el:1")["operations"][0]["width"] == 2000


def test_focus_point_crop_and_platform_filters():
    spec = spec_of("c:400:300:fp:0.25:0.75/gs:1/st:ink/br:51/co:1.5")
    crop = spec["operations"][0]
    assert crop["op"] == "crop" and crop["gravity"] == "focus"
    assert crop["focus"] == {"x": 0.25, "y": 0.75}
    assert [op["op"] for op in spec["operations"][1:]] == [
        "grayscale", "brightness", "contrast", "sketch"
    ]  # fmt: skip
    assert spec["operations"][2]["factor"] == pytest.approx(1.2)


def test_presets_come_first_and_the_url_overrides_their_output():
    preset = {"operations": [{"op": "grayscale"}], "output": {"format": "png", "quality": 50}}
    built = build_spec(parse_options(["pr:mono", "q:90"]), source_size=SOURCE, presets=[preset])
    assert built.spec["operations"] == [{"op": "grayscale"}]
    assert built.spec["output"] == {"format": "png", "quality": 90}
    assert built.format_open is False


def test_negotiation_only_fills_an_open_format():
    open_format = build_spec(parse_options([]), source_size=SOURCE, negotiated_format="avif")
    assert open_format.format_open and open_format.spec["output"]["format"] == "avif"
    chosen = build_spec(parse_options(["f:png"]), source_size=SOURCE, negotiated_format="avif")
    assert not chosen.format_open and chosen.spec["output"]["format"] == "png"


def test_watermark_text_is_base64url():
    text = base64.urlsafe_b64encode("© Ada".encode()).decode().rstrip("=")
    mark = spec_of(f"wmt:{text}:0.8:soea")["operations"][0]
    assert mark["text"] == "© Ada" and mark["position"] == "bottom_right"


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ("frobnicate:1", "frobnicate"),
        ("w:wide", "width"),
        ("q:101", "quality"),
        ("rs:squash:10:10", "resize"),
        ("g:up", "gravity"),
        ("g:no:10:0", "gravity"),
        ("rot:45", "rotate"),
        ("ar:0", "auto_rotate"),
        ("dpr:20", "dpr"),
        ("f:bmp", "format"),
        ("bg:ff0000", "background"),  # nothing to fill
        ("ex:1", "extend"),  # nothing to extend to
        ("pr:Bad Name", "preset"),
        ("exp:soon", "expires"),
    ],
)
def test_unknown_or_malformed_options_are_named(options, named):
    with pytest.raises(OptionError) as raised:
        build_spec(parse_options(options.split("/")), source_size=SOURCE)
    assert raised.value.status_code == 400 and named in raised.value.message
