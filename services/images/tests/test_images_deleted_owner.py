"""After an account is deleted, nothing can be created for it any more, even by a request whose
token was still accepted (it passed the check just before the deletion); and an image whose
stored bytes are gone answers a clear 404, not a 503 that never ends."""

from platform_common.events import UserDeleted


async def test_nothing_is_created_for_a_deleted_owner(
    client, user, uploaded, make_image, send_event, images_settings, wait_until, object_keys, sql
):
    image = await uploaded(user)
    await send_event(images_settings.topic_user_events, str(user.id), UserDeleted(user_id=user.id))

    async def buried():
        rows = sql("SELECT count(*) FROM deleted_owners WHERE owner_id = :id", id=str(user.id))
        return rows == [(1,)] and sql(
            "SELECT count(*) FROM images WHERE owner_id = :id", id=str(user.id)
        ) == [(0,)]

    assert await wait_until(buried)
    # The same token (this service alone cannot know it was revoked in auth) creates nothing:
    upload = await client.post(
        "/images", headers=user.headers, files={"file": ("a.png", make_image(), "image/png")}
    )
    direct = await client.post(
        "/images/uploads",
        headers=user.headers,
        json={"content_type": "image/png", "size_bytes": 100, "filename": "a.png"},
    )

    for response in (upload, direct):
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "account_deleted"
    assert sql("SELECT count(*) FROM images WHERE owner_id = :id", id=str(user.id)) == [(0,)]
    assert sql("SELECT count(*) FROM uploads WHERE owner_id = :id", id=str(user.id)) == [(0,)]
    assert object_keys(f"originals/{user.id}/") == []  # the refused upload removed its object
    assert (await client.get(f"/images/{image['id']}", headers=user.headers)).status_code == 404


async def test_an_image_whose_bytes_are_gone_is_a_clear_404(
    client, user, uploaded, s3, images_settings
):
    image = await uploaded(user)
    keys = s3.list_objects_v2(Bucket=images_settings.s3_bucket, Prefix=f"originals/{user.id}/")
    for item in keys["Contents"]:  # the original: storage lost it
        s3.delete_object(Bucket=images_settings.s3_bucket, Key=item["Key"])

    response = await client.get(f"/images/{image['id']}/content", headers=user.headers)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "image_content_missing"
    assert "upload the image again" in response.json()["error"]["message"]
