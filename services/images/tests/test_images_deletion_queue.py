"""A DELETE during an S3 outage finishes by itself once S3 is back: the image is hidden at once
(202), stays queued as `deleting` in the database, and the deletion-queue loop removes its
objects and rows without anyone asking again (the hourly retention sweep is not involved)."""

import asyncio

import pytest


@pytest.mark.slow
async def test_a_delete_during_an_s3_outage_completes_when_s3_returns(
    stack, client, user, uploaded, object_keys, sql, wait_until
):
    image = await uploaded(user)
    key = f"originals/{user.id}/{image['id']}"
    assert object_keys(key) == [key]

    await asyncio.to_thread(stack.s3.stop)
    try:
        response = await client.delete(f"/images/{image['id']}", headers=user.headers)
        hidden = await client.get(f"/images/{image['id']}", headers=user.headers)
        queued = sql("SELECT status FROM images WHERE id = :id", id=image["id"])
    finally:
        await asyncio.to_thread(stack.s3.start)

    assert response.status_code == 202, response.text
    assert response.json() == {"id": image["id"], "status": "deleting"}
    assert hidden.status_code == 404
    assert queued == [("deleting",)]

    # Nobody asks again: the queue finishes it.
    assert await wait_until(
        lambda: sql("SELECT count(*) FROM images WHERE id = :id", id=image["id"]) == [(0,)]
    )
    assert object_keys(key) == []


async def test_a_delete_with_s3_up_finishes_at_once(client, user, uploaded, object_keys, sql):
    image = await uploaded(user)

    response = await client.delete(f"/images/{image['id']}", headers=user.headers)

    assert response.status_code == 204
    assert sql("SELECT count(*) FROM images WHERE id = :id", id=image["id"]) == [(0,)]
    assert object_keys(f"originals/{user.id}/{image['id']}") == []
