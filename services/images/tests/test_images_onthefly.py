"""GET /images/{id}/content?w=&h=&fit=&format=&q=: serve a variant, or wait for it, or 202."""

import asyncio

import httpx
import pytest

from images_service.entrypoints.api.app import create_app


async def _complete(report_succeeded, settings, s3, user, image_id, transformation):
    key = f"variants/{transformation['etag'].strip(chr(34))}.webp"
    s3.put_object(Bucket=settings.s3_bucket, Key=key, Body=b"webp-variant")
    await report_succeeded(user, image_id, transformation["id"], "webp", size=12)


async def test_a_variant_not_ready_in_time_answers_202_with_its_location(
    client, user, uploaded, images_settings, report_succeeded, s3, wait_until
):
    image = await uploaded(user)
    url = f"/images/{image['id']}/content?w=20&format=webp&q=70"

    pending = await client.get(url, headers=user.headers)

    assert pending.status_code == 202
    body = pending.json()
    assert pending.headers["location"] == body["links"]["self"]
    assert body["status"] == "pending"
    assert body["spec"]["operations"][0] == {**body["spec"]["operations"][0], "width": 20}
    assert body["spec"]["output"]["format"] == "webp"

    await _complete(report_succeeded, images_settings, s3, user, image["id"], body)

    async def served():
        response = await client.get(url, headers=user.headers)
        return response if response.status_code == 200 else None

    response = await wait_until(served)
    assert response.content == b"webp-variant"
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["etag"] == body["etag"]
    assert response.headers["cache-control"] == "private, max-age=31536000, immutable"


async def test_a_variant_finished_while_waiting_is_served_at_once(
    images_settings, user, uploaded, report_succeeded, s3, sql, wait_until
):
    image = await uploaded(user)
    # Another replica with a longer wait: it learns of the result from the shared database.
    patient = create_app(images_settings.model_copy(update={"onthefly_wait_seconds": 20}))
    transport = httpx.ASGITransport(app=patient)
    async with httpx.AsyncClient(transport=transport, base_url="http://images.test") as c:
        request = asyncio.create_task(
            c.get(f"/images/{image['id']}/content?w=20&format=webp", headers=user.headers)
        )
        rows = await wait_until(
            lambda: sql("SELECT id FROM transformations WHERE image_id = :id", id=image["id"])
        )
        details = (await c.get(f"/images/{image['id']}", headers=user.headers)).json()
        [transformation] = details["transformations"]
        assert transformation["id"] == str(rows[0][0])
        await _complete(report_succeeded, images_settings, s3, user, image["id"], transformation)
        response = await request

    assert response.status_code == 200
    assert response.content == b"webp-variant"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("w=0", "w"), ("format=bmp", "format"), ("q=101", "q"), ("fit=x", "fit")],
)
async def test_bad_variant_parameters_are_422_naming_them(client, user, uploaded, query, parameter):
    image = await uploaded(user)

    response = await client.get(f"/images/{image['id']}/content?{query}", headers=user.headers)

    assert response.status_code == 422
    assert parameter in response.json()["error"]["message"]


async def _stored(client, user, image, report_succeeded, settings, s3, wait_until):
    """A variant of `image` made and stored; returns its URL and its first 200."""
    url = f"/images/{image['id']}/content?w=20&format=webp&q=70"
    pending = await client.get(url, headers=user.headers)
    assert pending.status_code == 202
    await _complete(report_succeeded, settings, s3, user, image["id"], pending.json())

    async def served():
        response = await client.get(url, headers=user.headers)
        return response if response.status_code == 200 else None

    return url, await wait_until(served)


async def test_a_stored_variant_is_served_again_and_revalidated_by_its_etag(
    client, user, uploaded, images_settings, report_succeeded, s3, wait_until
):
    image = await uploaded(user)
    url, first = await _stored(
        client, user, image, report_succeeded, images_settings, s3, wait_until
    )

    again = await client.get(url, headers=user.headers)
    conditional = await client.get(
        url, headers={**user.headers, "If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 200
    assert again.content == first.content == b"webp-variant"
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert conditional.status_code == 304
    assert conditional.content == b""
    assert conditional.headers["etag"] == first.headers["etag"]
    assert conditional.headers["cache-control"] == "private, max-age=31536000, immutable"


async def test_a_stored_variant_is_refused_to_others_and_as_soon_as_its_image_is_deleted(
    client, user, make_user, uploaded, images_settings, report_succeeded, s3, wait_until
):
    image = await uploaded(user)
    url, _ = await _stored(client, user, image, report_succeeded, images_settings, s3, wait_until)
    stranger = make_user()

    refused = await client.get(url, headers=stranger.headers)
    deleted = await client.delete(f"/images/{image['id']}", headers=user.headers)
    after = await client.get(url, headers=user.headers)

    assert refused.status_code == 404
    assert deleted.status_code == 204
    assert after.status_code == 404


async def test_a_preset_on_the_fly_asks_for_the_presets_variant(client, user, uploaded):
    image = await uploaded(user)
    spec = {"operations": [{"op": "resize", "width": 24}], "output": {"format": "webp"}}
    assert (await client.put("/presets/small", json=spec, headers=user.headers)).status_code == 201
    content = f"/images/{image['id']}/content"

    by_preset = await client.get(f"{content}?preset=small", headers=user.headers)
    by_spec = await client.post(f"/images/{image['id']}/transform", json=spec, headers=user.headers)

    assert by_preset.status_code == 202  # no transformer here: not ready within the wait
    assert by_spec.status_code == 200  # the same variant: one transformation for both
    assert by_spec.json()["id"] == by_preset.json()["id"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("preset=nope", 422, "unknown_preset"),  # a bad parameter, as in POST /transform
        ("preset=small&w=10", 422, "validation_error"),
    ],
)
async def test_an_unknown_or_mixed_preset_on_the_fly_is_refused(
    client, user, uploaded, query, status, code
):
    image = await uploaded(user)
    spec = {"operations": [{"op": "resize", "width": 24}]}
    await client.put("/presets/small", json=spec, headers=user.headers)

    response = await client.get(f"/images/{image['id']}/content?{query}", headers=user.headers)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
