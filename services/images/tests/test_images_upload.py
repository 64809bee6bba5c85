"""POST /images: real type from the bytes, limits, S3 storage, and no orphans on failure."""

import hashlib
import io

import pytest
import pyvips
from sqlalchemy.exc import OperationalError

from images_service.service_layer.images import register_image
from images_service.service_layer.inspection import UploadLimits
from images_service.service_layer.unit_of_work import ImagesUnitOfWork

FORMATS = [
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("webp", "image/webp"),
    ("gif", "image/gif"),
    ("tif", "image/tiff"),
    ("avif", "image/avif"),
]


@pytest.mark.parametrize(("suffix", "media_type"), FORMATS)
async def test_upload_detects_the_real_type_and_stores_the_original(
    upload, user, make_image, object_keys, suffix, media_type
):
    data = make_image(suffix, 40, 30)
    # The client claims octet-stream: the type comes from the bytes, not from this header.
    response = await upload(user, data, f"Holiday.{suffix}", "application/octet-stream")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == media_type
    assert (body["width"], body["height"]) == (40, 30)
    assert body["size_bytes"] == len(data)
    assert body["checksum_sha256"] == hashlib.sha256(data).hexdigest()
    assert body["filename"] == f"Holiday.{suffix}"
    assert body["url"] == f"/images/{body['id']}/content"
    assert response.headers["location"] == f"/images/{body['id']}"
    assert object_keys(f"originals/{user.id}/{body['id']}") == [f"originals/{user.id}/{body['id']}"]


async def test_a_lying_content_type_is_refused_with_415(upload, user, object_keys):
    response = await upload(user, b"#!/bin/sh\necho not an image\n" * 20, "x.png", "image/png")

    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_image_type"
    assert "jpeg" in error["message"] and error["request_id"]
    assert object_keys(f"originals/{user.id}/") == []


async def test_formats_libvips_reads_but_we_do_not_accept_are_refused(upload, user):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    response = await upload(user, svg, "x.png", "image/png")

    assert response.status_code == 415


async def test_a_body_over_the_limit_is_refused_with_413(upload, user, images_settings):
    too_big = b"\x89PNG\r\n\x1a\n" + b"\0" * (images_settings.max_upload_bytes + 1)
    response = await upload(user, too_big)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "upload_too_large"


async def test_413_comes_while_streaming_not_after_the_whole_body(client, user, images_settings):
    """A chunked body (no Content-Length) is cut off once past the limit: the rest is never read."""
    sent = 0
    chunk = b"\0" * 65536
    total_chunks = 4 * images_settings.max_upload_bytes // len(chunk)

    async def body():
        nonlocal sent
        yield (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n"
        )
        for _ in range(total_chunks):
            sent += 1
            yield chunk
        yield b"\r\n--b--\r\n"

    response = await client.post(
        "/images",
        headers={**user.headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=body(),
    )

    assert response.status_code == 413
    assert sent < total_chunks / 2


async def test_too_many_pixels_is_refused_with_422(upload, user):
    # 56 megapixels of black compress to a few dozen kilobytes: size limits alone miss this.
    huge = pyvips.Image.black(8000, 7000).pngsave_buffer(compression=9)
    response = await upload(user, huge)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "too_many_pixels"
    assert "56000000" in error["message"]


async def test_corrupt_bytes_are_refused_with_422(upload, user, make_image):
    truncated = make_image("jpg", 64, 48)[:100]
    response = await upload(user, truncated, "broken.jpg", "image/jpeg")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "corrupt_image"
    assert "JPEG" in error["message"] and "corrupt" in error["message"]


async def test_a_form_without_the_file_field_is_a_422(client, user, make_image):
    response = await client.post(
        "/images", headers=user.headers, files={"image": ("a.png", make_image(), "image/png")}
    )

    assert response.status_code == 422
    assert "file" in response.json()["error"]["message"]


async def test_a_body_that_is_not_multipart_is_a_415(client, user, make_image):
    response = await client.post(
        "/images", headers={**user.headers, "Content-Type": "image/png"}, content=make_image()
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "multipart_required"


async def test_upload_needs_a_token(client, make_image):
    response = await client.post("/images", files={"file": ("a.png", make_image(), "image/png")})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_a_filename_is_kept_as_a_name_only(upload, user, make_image):
    response = await upload(user, make_image(), "../../etc/passwd.png")

    assert response.json()["filename"] == "passwd.png"


class CommitFails(ImagesUnitOfWork):
    def commit(self) -> None:
        raise OperationalError("INSERT", {}, Exception("database went away"))


def test_the_object_is_removed_when_the_database_write_fails(
    images_app, user, make_image, object_keys
):
    uow = CommitFails(images_app.state.images.session_factory)
    limits = UploadLimits(max_bytes=10_000_000, max_pixels=50_000_000)

    with pytest.raises(OperationalError):
        register_image(
            uow,
            images_app.state.images.storage,
            user.id,
            io.BytesIO(make_image()),
            "a.png",
            limits,
            images_app.state.images.pixels,
        )

    assert object_keys(f"originals/{user.id}/") == []
