"""Through the gateway: the styles catalogue, and HEIC and TIFF originals that upload and
transform on the real transformer (the issue's 415 and source_corrupt cases)."""

import io
from importlib.resources import files

import pillow_heif
import pytest
import pyvips
from e2e_kit.api import User
from e2e_kit.photos import sniff_format
from PIL import Image

PHOTO = files("skimage") / "data" / "coffee.png"  # 600x400


def heic() -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.open(str(PHOTO)).convert("RGB")).save(out, quality=80)
    return out.getvalue()


def pillow_tiff(compression: str) -> bytes:
    out = io.BytesIO()
    Image.open(str(PHOTO)).save(out, "TIFF", compression=compression)
    return out.getvalue()


def test_styles_are_listed_through_the_gateway(user: User) -> None:
    response = user.http.get("/images/styles")
    assert response.status_code == 200, response.text
    assert len(response.json()["combinations"]) == 21


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("IMG_0001.HEIC", heic),
        ("vips.tif", lambda: pyvips.Image.new_from_file(str(PHOTO)).tiffsave_buffer()),
        ("lzw.tif", lambda: pillow_tiff("tiff_lzw")),
        ("deflate.tif", lambda: pillow_tiff("tiff_adobe_deflate")),
    ],
)
def test_heic_and_tiff_originals_transform_to_webp(user: User, name: str, make) -> None:
    image = user.upload_ok(make(), name)
    spec = {"operations": [{"op": "resize", "width": 300}], "output": {"format": "webp"}}
    tid = user.transform_ok(image["id"], spec)
    body = user.settled(image["id"], tid, timeout=60)
    assert body["status"] == "succeeded", body
    content = user.http.get(f"/images/{image['id']}/transformations/{tid}/content")
    assert content.status_code == 200
    assert sniff_format(content.content) == "webp"
    decoded = pyvips.Image.new_from_buffer(content.content, "")
    assert (decoded.width, decoded.height) == (300, 200)
