"""Direct uploads with a plain HTTP client: presigned PUT to S3, then complete."""

from datetime import timedelta

import httpx

from images_service.entrypoints.worker.loops import retention_policy
from images_service.service_layer.images import utcnow
from images_service.service_layer.retention import run_retention
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


async def _start(client, user, data, content_type="image/png"):
    response = await client.post(
        "/images/uploads",
        headers=user.headers,
        json={"filename": "big.png", "content_type": content_type, "size_bytes": len(data)},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _put(ticket, data, headers=None):
    async with httpx.AsyncClient() as plain:  # no AWS SDK: what a browser would do
        return await plain.put(
            ticket["upload_url"], content=data, headers=headers or ticket["headers"]
        )


async def test_presigned_upload_then_complete_registers_the_image(
    client, user, make_image, object_keys
):
    data = make_image("png", 120, 90)
    ticket = await _start(client, user, data)
    assert ticket["method"] == "PUT"
    assert ticket["headers"]["Content-Type"] == "image/png"
    assert "X-Amz-Signature=" in ticket["upload_url"]

    put = await _put(ticket, data)
    assert put.status_code == 200, put.text
    response = await client.post(ticket["complete_url"], headers=user.headers)

    assert response.status_code == 201, response.text
    image = response.json()
    assert image["id"] == ticket["id"]
    assert (image["width"], image["height"], image["size_bytes"]) == (120, 90, len(data))
    assert image["filename"] == "big.png"
    assert object_keys(f"originals/{user.id}/{image['id']}") == [
        f"originals/{user.id}/{image['id']}"
    ]
    assert object_keys(f"uploads/{user.id}/") == []  # the staged object is gone
    content = await client.get(image["url"], headers=user.headers)
    assert content.content == data

    again = await client.post(ticket["complete_url"], headers=user.headers)
    assert again.status_code == 200
    assert again.json()["id"] == image["id"]


async def test_a_put_after_completion_changes_nothing_and_is_swept_later(
    client, user, make_image, sql, images_app, object_keys
):
    data = make_image("png", 120, 90)
    other = b"<html>" + b" " * (len(data) - 6)  # same length, so the signed URL accepts it
    ticket = await _start(client, user, data)
    assert (await _put(ticket, data)).status_code == 200
    image = (await client.post(ticket["complete_url"], headers=user.headers)).json()

    # The presigned URL is still valid: it can only write the staging key, which nobody reads.
    assert (await _put(ticket, other)).status_code == 200
    content = await client.get(image["url"], headers=user.headers)
    assert content.content == data
    assert object_keys(f"uploads/{user.id}/{ticket['id']}") == [f"uploads/{user.id}/{ticket['id']}"]

    sql(  # once the URL has expired (and the grace passed), the sweep removes the stray object
        "UPDATE uploads SET expires_at = :at WHERE id = :id",
        at=utcnow() - timedelta(days=2),
        id=ticket["id"],
    )
    state = images_app.state.images
    run_retention(
        ImagesUnitOfWork(state.session_factory), state.storage, retention_policy(state.settings)
    )
    assert object_keys(f"uploads/{user.id}/{ticket['id']}") == []
    assert (await client.get(image["url"], headers=user.headers)).content == data


async def test_a_control_character_in_the_filename_is_a_422(client, user, make_image):
    for name in ("evil\x00.png", "line\nbreak.png", "bell\x07.png"):
        direct = await client.post(
            "/images/uploads",
            headers=user.headers,
            json={"filename": name, "content_type": "image/png", "size_bytes": 10},
        )
        # Built by hand: HTTP clients escape such names, a hostile client does not.
        body = (
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="'
            + name.encode()
            + b'"\r\nContent-Type: image/png\r\n\r\n'
            + make_image()
            + b"\r\n--b--\r\n"
        )
        multipart = await client.post(
            "/images",
            headers={**user.headers, "Content-Type": "multipart/form-data; boundary=b"},
            content=body,
        )
        for response in (direct, multipart):
            assert response.status_code == 422, (name, response.text)
            assert "control character" in response.json()["error"]["message"]


async def test_the_url_is_bound_to_the_announced_type_and_size(client, user, make_image):
    data = make_image("png")
    ticket = await _start(client, user, data)

    other_type = await _put(ticket, data, {**ticket["headers"], "Content-Type": "text/html"})
    other_size = await _put(ticket, data + b"more", {"Content-Type": "image/png"})

    assert other_type.status_code == 403
    assert other_size.status_code == 403


async def test_announcing_too_much_or_a_wrong_type_is_refused_upfront(
    client, user, images_settings
):
    too_big = await client.post(
        "/images/uploads",
        headers=user.headers,
        json={"content_type": "image/png", "size_bytes": images_settings.max_upload_bytes + 1},
    )
    not_an_image = await client.post(
        "/images/uploads", headers=user.headers, json={"content_type": "text/html", "size_bytes": 9}
    )

    assert too_big.status_code == 413
    assert not_an_image.status_code == 415


async def test_completing_before_the_put_is_a_409(client, user, make_image):
    ticket = await _start(client, user, make_image())

    response = await client.post(ticket["complete_url"], headers=user.headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "upload_not_received"


async def test_a_lying_upload_is_refused_and_its_object_deleted(client, user, object_keys):
    fake = b"<html>not a png</html>" * 10
    ticket = await _start(client, user, fake, "image/png")
    assert (await _put(ticket, fake)).status_code == 200

    response = await client.post(ticket["complete_url"], headers=user.headers)

    assert response.status_code == 415
    assert object_keys(f"uploads/{user.id}/{ticket['id']}") == []
    assert object_keys(f"originals/{user.id}/{ticket['id']}") == []


async def test_someone_elses_upload_is_not_found(client, make_user, make_image):
    alice, bob = make_user(), make_user()
    ticket = await _start(client, alice, make_image())

    response = await client.post(ticket["complete_url"], headers=bob.headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "upload_not_found"


async def test_expired_uploads_are_refused_then_cleaned_up(
    client, user, make_image, sql, images_app, object_keys
):
    data = make_image()
    ticket = await _start(client, user, data)
    assert (await _put(ticket, data)).status_code == 200
    sql(
        "UPDATE uploads SET expires_at = :at WHERE id = :id",
        at=utcnow() - timedelta(days=2),
        id=ticket["id"],
    )

    response = await client.post(ticket["complete_url"], headers=user.headers)
    assert response.status_code == 410

    state = images_app.state.images  # the sweep the worker runs periodically, run once now
    uow = ImagesUnitOfWork(state.session_factory)
    run_retention(uow, state.storage, retention_policy(state.settings))
    assert sql("SELECT count(*) FROM uploads WHERE id = :id", id=ticket["id"]) == [(0,)]
    assert object_keys(f"uploads/{user.id}/{ticket['id']}") == []
