"""Image insight, computed once at upload and shown in the image's details: the EXIF subset (GPS
to the owner only), palette, placeholder, frames, alpha and the ICC profile's description."""

import io
import struct
import zlib
from importlib.resources import files

import httpx
import pyvips
from PIL import Image, TiffImagePlugin

PHOTO = files("skimage") / "data" / "coffee.png"  # a real photo, 600x400
HEX = "0123456789abcdef"


def exif_photo() -> bytes:
    """The photo as a camera would write it: make, model, lens, date, orientation, GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 5D Mark IV"
    exif[0x0112] = 6  # rotated 90 degrees clockwise
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2024:05:01 14:30:07"
    details[0x9011] = "+02:00"
    details[0xA433] = "Canon"
    details[0xA434] = "EF50mm f/1.8 STM"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "W"
    gps[2] = tuple(TiffImagePlugin.IFDRational(v) for v in (48, 51, 29.5))
    gps[4] = tuple(TiffImagePlugin.IFDRational(v) for v in (2, 17, 40.2))
    out = io.BytesIO()
    Image.open(str(PHOTO)).convert("RGB").save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


async def upload_and_get(client, upload, user, data: bytes, name: str, media_type: str) -> dict:
    response = await upload(user, data, name, media_type)
    assert response.status_code == 201, response.text
    details = await client.get(f"/images/{response.json()['id']}", headers=user.headers)
    assert details.status_code == 200
    return details.json()


async def test_exif_fields_of_a_camera_photo(client, upload, user):
    insight = (await upload_and_get(client, upload, user, exif_photo(), "a.jpg", "image/jpeg"))[
        "insight"
    ]
    assert insight["camera"] == "Canon EOS 5D Mark IV"
    assert insight["lens"] == "Canon EF50mm f/1.8 STM"
    assert insight["taken_at"] == "2024-05-01T14:30:07+02:00"
    assert insight["orientation"] == 6
    assert insight["gps"]["latitude"] == 48.858194  # 48 deg 51' 29.5" N
    assert insight["gps"]["longitude"] == -2.294500  # 2 deg 17' 40.2" W
    assert insight["frames"] == 1 and insight["has_alpha"] is False


async def test_gps_is_shown_to_the_owner_only(client, upload, user, make_user):
    response = await upload(user, exif_photo(), "a.jpg", "image/jpeg")
    assert response.json()["insight"]["gps"] is not None  # the owner's own upload answer
    image_id = response.json()["id"]
    listing = await client.get("/images", headers=user.headers, params={"limit": 100})
    (item,) = [image for image in listing.json()["items"] if image["id"] == image_id]
    assert item["insight"]["camera"] == "Canon EOS 5D Mark IV" and item["insight"]["gps"] is None
    admin = make_user("admin")
    everyone = await client.get("/images", headers=admin.headers, params={"limit": 100})
    for image in everyone.json()["items"]:
        assert image["insight"] is None or image["insight"]["gps"] is None
    stranger = await client.get(f"/images/{image_id}", headers=make_user().headers)
    assert stranger.status_code == 404


async def test_palette_and_placeholder_describe_the_pixels(client, upload, user):
    red = pyvips.Image.black(120, 80).new_from_image([220, 20, 30]).copy(interpretation="srgb")
    insight = (
        await upload_and_get(client, upload, user, red.pngsave_buffer(), "r.png", "image/png")
    )["insight"]
    assert insight["palette"][0]["hex"] == "#dc141e" and insight["palette"][0]["share"] == 1.0
    photo = (await upload_and_get(client, upload, user, exif_photo(), "a.jpg", "image/jpeg"))[
        "insight"
    ]
    assert 2 <= len(photo["palette"]) <= 5
    assert all(len(c["hex"]) == 7 and set(c["hex"][1:]) <= set(HEX) for c in photo["palette"])
    assert abs(sum(c["share"] for c in photo["palette"]) - 1) < 0.01
    assert photo["palette"] == sorted(photo["palette"], key=lambda c: -c["share"])
    # A 4x3-component BlurHash is 28 characters; two different images give two different ones.
    assert len(photo["placeholder"]) == 28 and photo["placeholder"] != insight["placeholder"]


def animation(fmt: str, frames: int = 3) -> bytes:
    strip = pyvips.Image.arrayjoin(
        [pyvips.Image.black(40, 30).new_from_image([60 * i, 90, 200]) for i in range(frames)],
        across=1,
    ).copy(interpretation="srgb")
    strip = strip.cast("uchar").copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", 30)
    return strip.write_to_buffer(f".{fmt}")


async def test_frames_of_an_animated_gif_and_webp(client, upload, user):
    gif = await upload_and_get(client, upload, user, animation("gif", 3), "a.gif", "image/gif")
    webp = await upload_and_get(client, upload, user, animation("webp", 4), "a.webp", "image/webp")
    assert gif["insight"]["frames"] == 3 and webp["insight"]["frames"] == 4


async def test_has_alpha_for_a_png_with_transparency(client, upload, user, make_image):
    rgba = pyvips.Image.new_from_file(str(PHOTO)).bandjoin(128).copy(interpretation="srgb")
    with_alpha = await upload_and_get(
        client, upload, user, rgba.pngsave_buffer(), "t.png", "image/png"
    )
    opaque = await upload_and_get(client, upload, user, make_image("png"), "o.png", "image/png")
    assert with_alpha["insight"]["has_alpha"] is True
    assert opaque["insight"]["has_alpha"] is False


async def test_icc_description_of_a_photo_with_an_embedded_profile(client, upload, user):
    # libvips embeds its own sRGB profile, whose description is "sRGB".
    tagged = pyvips.Image.new_from_file(str(PHOTO)).icc_transform("srgb").jpegsave_buffer()
    plain = pyvips.Image.new_from_file(str(PHOTO)).jpegsave_buffer()
    with_icc = await upload_and_get(client, upload, user, tagged, "icc.jpg", "image/jpeg")
    without = await upload_and_get(client, upload, user, plain, "plain.jpg", "image/jpeg")
    assert with_icc["insight"]["icc_description"] == "sRGB"
    assert without["insight"]["icc_description"] is None


def png_with_damaged_pixels() -> bytes:
    """A whole PNG (IEND present, header fine) whose image data fails its checksum."""
    data = bytearray(pyvips.Image.new_from_file(str(PHOTO)).pngsave_buffer())
    offset = data.index(b"IDAT")
    length = struct.unpack(">I", data[offset - 4 : offset])[0]
    middle = offset + 4 + length // 2
    data[middle : middle + 16] = bytes(16)
    assert (
        zlib.crc32(bytes(data[offset : offset + 4 + length]))
        != struct.unpack(">I", data[offset + 4 + length : offset + 8 + length])[0]
    )
    return bytes(data)


async def test_a_file_whose_pixels_cannot_be_decoded_is_refused_at_upload(upload, user):
    response = await upload(user, png_with_damaged_pixels(), "bad.png", "image/png")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "undecodable_image"
    assert "PNG" in error["message"] and "pixels cannot be decoded" in error["message"]


async def test_a_direct_upload_gets_the_same_insight(client, user):
    data = exif_photo()
    ticket = await client.post(
        "/images/uploads",
        headers=user.headers,
        json={"filename": "a.jpg", "content_type": "image/jpeg", "size_bytes": len(data)},
    )
    assert ticket.status_code == 201, ticket.text
    async with httpx.AsyncClient() as plain:  # the PUT a browser makes straight to S3
        put = await plain.put(
            ticket.json()["upload_url"], content=data, headers=ticket.json()["headers"]
        )
    assert put.status_code == 200
    completed = await client.post(ticket.json()["complete_url"], headers=user.headers)
    assert completed.status_code == 201, completed.text
    details = await client.get(f"/images/{completed.json()['id']}", headers=user.headers)
    insight = details.json()["insight"]
    assert insight["camera"] == "Canon EOS 5D Mark IV" and insight["gps"]["latitude"] == 48.858194
    assert len(insight["placeholder"]) == 28 and insight["palette"]
