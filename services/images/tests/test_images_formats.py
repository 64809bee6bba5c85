"""Upload checks for the formats that were refused or accepted wrongly: HEIC, TIFFs whose first
directory is not at byte 8, truncated files (each named), and the styles catalogue."""

import io
from importlib.resources import files

import pillow_heif
import pytest
import pyvips
from PIL import Image

from images_service.domain.errors import UnsupportedFormat
from images_service.entrypoints.api.errors import http_status
from images_service.service_layer.inspection import _heif_flavour

PHOTO = files("skimage") / "data" / "coffee.png"  # a real photo, 600x400


def photo_as(fmt: str, **options) -> bytes:
    return pyvips.Image.new_from_file(str(PHOTO)).write_to_buffer(f".{fmt}", **options)


def pillow_tiff(compression: str) -> bytes:
    out = io.BytesIO()
    Image.open(str(PHOTO)).save(out, "TIFF", compression=compression)
    return out.getvalue()


async def test_a_heic_uploads_as_heif(upload, user):
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.open(str(PHOTO)).convert("RGB")).save(out, quality=80)
    response = await upload(user, out.getvalue(), "IMG_0001.HEIC", "image/heic")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == "image/heif"
    assert (body["width"], body["height"]) == (600, 400)


@pytest.mark.parametrize(
    "make",
    [
        lambda: photo_as("tif"),
        lambda: pillow_tiff("tiff_lzw"),
        lambda: pillow_tiff("tiff_adobe_deflate"),
    ],
    ids=["libvips", "pillow-lzw", "pillow-deflate"],
)
async def test_tiffs_upload_wherever_their_first_directory_is(upload, user, make):
    data = make()
    response = await upload(user, data, "scan.tif", "image/tiff")

    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/tiff"
    assert (response.json()["width"], response.json()["height"]) == (600, 400)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("jpg", "end-of-image marker"),
        ("png", "no IEND chunk"),
        ("webp", "RIFF header declares"),
    ],
)
async def test_a_truncated_file_is_refused_naming_what_is_wrong(
    upload, user, object_keys, fmt, expected
):
    whole = photo_as(fmt)
    response = await upload(user, whole[: len(whole) * 2 // 3], f"cut.{fmt}", "image/octet-stream")

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "truncated_image"
    assert expected in error["message"] and "truncated" in error["message"]
    assert object_keys(f"originals/{user.id}/") == []


async def test_whole_files_of_the_same_formats_are_accepted(upload, user):
    for fmt in ("jpg", "png", "webp"):
        response = await upload(user, photo_as(fmt), f"whole.{fmt}", "image/octet-stream")
        assert response.status_code == 201, (fmt, response.text)


async def test_a_jpeg_with_data_after_its_end_marker_is_accepted(upload, user):
    """Phones append trailers after the JPEG's end-of-image marker; the image itself is whole."""
    response = await upload(
        user, photo_as("jpg") + b"\0" * 5000 + b"TRAILER", "p.jpg", "image/jpeg"
    )

    assert response.status_code == 201, response.text


def test_heif_compressions_the_transformer_cannot_decode_are_unsupported_format():
    assert _heif_flavour("hevc") == "heif" and _heif_flavour("av1") == "avif"
    with pytest.raises(UnsupportedFormat, match="uses jpeg compression") as caught:
        _heif_flavour("jpeg")
    assert caught.value.code == "unsupported_format" and http_status(caught.value) == 415


async def test_the_styles_endpoint_lists_all_21_combinations(client, user):
    response = await client.get("/images/styles", headers=user.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    styles = {style["name"] for style in body["styles"]}
    assert styles == {"pencil", "charcoal", "ink", "watercolor", "pastel", "oil", "acrylic"}
    assert {method["name"] for method in body["methods"]} == {"basic", "advanced", "artistic"}
    pairs = {(item["style"], item["method"]) for item in body["combinations"]}
    assert len(pairs) == 21 == len(body["combinations"])
    assert all(
        item["description"] and item["operation"]["op"] == "sketch" for item in body["combinations"]
    )
    assert all(style["description"] for style in body["styles"])
