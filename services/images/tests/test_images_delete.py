"""Deleting images (by the owner, or all of a deleted user's) leaves nothing behind in S3."""

import uuid

from platform_common.events import UserDeleted


async def _with_variant(client, user, image, s3, settings, report_succeeded, wait_until, spec):
    """A transformation that succeeded, with its result object in S3 (as the worker leaves it)."""
    created = (
        await client.post(f"/images/{image['id']}/transform", headers=user.headers, json=spec)
    ).json()
    details = (await client.get(f"/images/{image['id']}", headers=user.headers)).json()
    [row] = [t for t in details["transformations"] if t["id"] == created["id"]]
    key = f"variants/{row['etag'].strip(chr(34))}.png"
    s3.put_object(Bucket=settings.s3_bucket, Key=key, Body=b"variant")
    await report_succeeded(user, image["id"], created["id"], size=7)

    async def succeeded():
        response = await client.get(created["links"]["self"], headers=user.headers)
        return response.json()["status"] == "succeeded"

    assert await wait_until(succeeded)
    return key


async def test_delete_announces_image_deleted_once(
    client, user, uploaded, images_settings, topic_reader
):
    image = await uploaded(user)

    first = await client.delete(f"/images/{image['id']}", headers=user.headers)
    again = await client.delete(f"/images/{image['id']}", headers=user.headers)

    assert (first.status_code, again.status_code) == (204, 404)
    found = await topic_reader(
        images_settings.topic_image_events,
        lambda e: e.type == "ImageDeleted" and e.data["image_id"] == image["id"],
        settle_seconds=2,
    )
    [(key, envelope)] = found  # the second delete announced nothing
    assert key == image["id"].encode()
    assert envelope.data["owner_id"] == str(user.id)


async def test_delete_removes_the_original_every_variant_and_the_rows(
    client, user, uploaded, s3, images_settings, report_succeeded, wait_until, object_keys, sql
):
    image = await uploaded(user)
    variants = [
        await _with_variant(
            client,
            user,
            image,
            s3,
            images_settings,
            report_succeeded,
            wait_until,
            {"operations": [op]},
        )
        for op in ("grayscale", "sepia")
    ]

    response = await client.delete(f"/images/{image['id']}", headers=user.headers)

    assert response.status_code == 204
    assert object_keys(f"originals/{user.id}/") == []
    for key in variants:
        assert object_keys(key) == []
    assert sql("SELECT count(*) FROM transformations WHERE image_id = :id", id=image["id"]) == [
        (0,)
    ]
    assert (await client.get(f"/images/{image['id']}", headers=user.headers)).status_code == 404
    assert (await client.delete(f"/images/{image['id']}", headers=user.headers)).status_code == 404


async def test_a_variant_shared_with_an_identical_image_survives_its_twin(
    client, user, upload, make_image, s3, images_settings, report_succeeded, wait_until, object_keys
):
    data = make_image("png", 30, 30)
    first = (await upload(user, data)).json()
    twin = (await upload(user, data)).json()  # same bytes: same content addresses
    spec = {"operations": ["flip"]}
    shared = await _with_variant(
        client, user, first, s3, images_settings, report_succeeded, wait_until, spec
    )
    assert (
        await _with_variant(
            client, user, twin, s3, images_settings, report_succeeded, wait_until, spec
        )
        == shared
    )

    await client.delete(f"/images/{first['id']}", headers=user.headers)

    assert object_keys(shared) == [shared]
    await client.delete(f"/images/{twin['id']}", headers=user.headers)
    assert object_keys(shared) == []


async def test_a_deleted_user_loses_every_image_and_object(
    client, make_user, uploaded, send_event, images_settings, wait_until, object_keys, s3
):
    leaving, staying = make_user(), make_user()
    for _ in range(3):
        await uploaded(leaving)
    kept = await uploaded(staying)
    # A direct upload that was PUT but never completed goes too.
    s3.put_object(
        Bucket=images_settings.s3_bucket, Key=f"originals/{leaving.id}/{uuid.uuid4()}", Body=b"x"
    )

    await send_event(
        images_settings.topic_user_events, str(leaving.id), UserDeleted(user_id=leaving.id)
    )

    async def gone():
        listing = (await client.get("/images", headers=leaving.headers)).json()
        return listing["total"] == 0 and object_keys(f"originals/{leaving.id}/") == []

    assert await wait_until(gone)
    assert (await client.get(f"/images/{kept['id']}", headers=staying.headers)).status_code == 200
