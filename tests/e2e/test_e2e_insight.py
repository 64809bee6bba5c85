"""Through the gateway: an upload's insight in its details, and GPS to the owner only. A public
delivery URL that asks to keep metadata (`sm:0`: strip_metadata false) carries no position."""

import io
from collections.abc import Iterator
from importlib.resources import files

import httpx
import pytest
import pyvips
from e2e_kit.delivery import fetch_until_ready, new_key
from e2e_kit.photos import sniff_format
from PIL import Image, TiffImagePlugin

PHOTO = files("skimage") / "data" / "coffee.png"


def camera_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Nikon", "Z 6"
    exif.get_ifd(0x8769)[0x9003] = "2023:08:14 09:15:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", tuple(TiffImagePlugin.IFDRational(v) for v in (33, 51, 25.2))
    gps[3], gps[4] = "E", tuple(TiffImagePlugin.IFDRational(v) for v in (151, 12, 54))
    out = io.BytesIO()
    Image.open(str(PHOTO)).convert("RGB").save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


@pytest.fixture(scope="module")
def anonymous(platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway_url, timeout=60) as client:
        yield client


def test_insight_and_gps_reach_the_owner_only(new_user, anonymous) -> None:
    owner = new_user("insight")
    image = owner.upload_ok(camera_photo(), "z6.jpg")
    details = owner.http.get(f"/images/{image['id']}").json()["insight"]
    assert details["camera"] == "Nikon Z 6" and details["taken_at"] == "2023-08-14T09:15:00"
    assert details["gps"] == {"latitude": -33.857, "longitude": 151.215}
    assert len(details["placeholder"]) == 28 and details["palette"]
    listed = owner.http.get("/images").json()["items"]
    assert [item["insight"]["gps"] for item in listed if item["id"] == image["id"]] == [None]
    assert new_user("other").http.get(f"/images/{image['id']}").status_code == 404

    new_key(owner)
    signed = owner.http.post(
        f"/images/{image['id']}/delivery-url", json={"options": "w:200/sm:0", "extension": "jpg"}
    )
    assert signed.status_code == 200, signed.text
    shared = fetch_until_ready(anonymous, signed.json()["url"])
    assert shared.status_code == 200 and sniff_format(shared.content) == "jpeg"
    fields = pyvips.Image.new_from_buffer(shared.content, "")
    assert "Z 6" in fields.get("exif-ifd0-Model")  # metadata was kept, as asked ...
    assert not [name for name in fields.get_fields() if name.startswith("exif-ifd3-")]
    assert b"GPS" not in shared.content  # ... but not where the photo was taken
