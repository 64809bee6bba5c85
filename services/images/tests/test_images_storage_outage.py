"""S3 down: uploads answer 503 in the shared error shape (no row, no stack trace), /ready says
why, and everything works again once S3 is back."""

import asyncio

import pytest


@pytest.mark.slow
async def test_uploads_answer_503_while_storage_is_down(stack, client, user, make_image, sql):
    await asyncio.to_thread(stack.s3.stop)
    try:
        response = await client.post(
            "/images", headers=user.headers, files={"file": ("a.png", make_image(), "image/png")}
        )
        ready = await client.get("/ready")
    finally:
        await asyncio.to_thread(stack.s3.start)

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "Traceback" not in response.text
    assert response.headers["retry-after"]
    assert ready.status_code == 503
    assert ready.json()["checks"]["storage"].startswith("error")
    assert sql("SELECT count(*) FROM images WHERE owner_id = :id", id=str(user.id)) == [(0,)]

    again = await client.post(
        "/images", headers=user.headers, files={"file": ("a.png", make_image(), "image/png")}
    )
    assert again.status_code == 201
