"""The images.transform.events consumer: status moves forward only, once per event."""

import uuid

from platform_common.events import (
    Envelope,
    TransformFailed,
    TransformStarted,
    TransformSucceeded,
)
from platform_common.messaging.publisher import make_producer

SPEC = {"operations": [{"op": "resize", "width": 20}], "output": {"format": "png"}}


async def _requested(client, user, uploaded, spec=SPEC):
    image = await uploaded(user)
    response = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json=spec
    )
    assert response.status_code == 202
    return image, response.json()


def _ids(user, image, transformation):
    return {
        "transformation_id": uuid.UUID(transformation["id"]),
        "image_id": uuid.UUID(image["id"]),
        "owner_id": user.id,
    }


def _succeeded(user, image, transformation):
    return TransformSucceeded(
        **_ids(user, image, transformation),
        format="png",
        width=20,
        height=15,
        bytes=123,
        duration_ms=40,
    )


async def _status_becomes(client, user, transformation, wanted, wait_until):
    async def check():
        response = await client.get(transformation["links"]["self"], headers=user.headers)
        return response.json() if response.json()["status"] == wanted else None

    body = await wait_until(check)
    assert body, f"status never became {wanted}"
    return body


async def test_status_follows_started_then_succeeded(
    client, user, uploaded, send_event, images_settings, wait_until, s3
):
    image, transformation = await _requested(client, user, uploaded)
    topic, key = images_settings.topic_transform_events, image["id"]

    await send_event(topic, key, TransformStarted(**_ids(user, image, transformation), attempt=1))
    await _status_becomes(client, user, transformation, "processing", wait_until)

    variant_key = f"variants/{transformation['etag'].strip(chr(34))}.png"
    s3.put_object(Bucket=images_settings.s3_bucket, Key=variant_key, Body=b"variant-bytes")
    await send_event(topic, key, _succeeded(user, image, transformation))
    body = await _status_becomes(client, user, transformation, "succeeded", wait_until)

    assert body["result"] == {"format": "png", "width": 20, "height": 15, "bytes": 123}
    assert body["attempts"] == 1
    content = await client.get(transformation["links"]["content"], headers=user.headers)
    assert content.status_code == 200
    assert content.content == b"variant-bytes"
    assert content.headers["content-type"] == "image/png"
    assert content.headers["etag"] == transformation["etag"]
    assert content.headers["cache-control"] == "private, max-age=31536000, immutable"
    cached = await client.get(
        transformation["links"]["content"],
        headers={**user.headers, "If-None-Match": transformation["etag"]},
    )
    assert cached.status_code == 304
    assert cached.headers["etag"] == transformation["etag"]


async def test_redelivered_and_late_events_never_move_status_backwards(
    client, user, uploaded, send_event, images_settings, wait_until, sql
):
    image, transformation = await _requested(client, user, uploaded)
    topic, key = images_settings.topic_transform_events, image["id"]
    started = Envelope.wrap(TransformStarted(**_ids(user, image, transformation), attempt=1))
    succeeded = Envelope.wrap(_succeeded(user, image, transformation))

    await send_event(topic, key, started)
    await send_event(topic, key, succeeded)
    await _status_becomes(client, user, transformation, "succeeded", wait_until)

    # The same envelopes again (a redelivery), a late "started" and a late failure.
    await send_event(topic, key, started)
    await send_event(topic, key, succeeded)
    await send_event(topic, key, TransformStarted(**_ids(user, image, transformation), attempt=2))
    failed = TransformFailed(
        **_ids(user, image, transformation), error_code="boom", message="late", retryable=False
    )
    await send_event(topic, key, failed)
    marker = Envelope.wrap(TransformStarted(**_ids(user, image, transformation), attempt=9))
    await send_event(topic, key, marker)

    # Once the marker (sent last, same partition) is processed, everything before it was too.
    assert await wait_until(
        lambda: sql("SELECT 1 FROM processed_events WHERE event_id = :id", id=marker.id)
    )
    body = (await client.get(transformation["links"]["self"], headers=user.headers)).json()
    assert body["status"] == "succeeded"
    assert body["error"] is None
    assert body["result"]["format"] == "png"


async def test_a_failure_is_reported_and_a_new_request_retries_it(
    client, user, uploaded, send_event, images_settings, wait_until
):
    image, transformation = await _requested(client, user, uploaded)
    failed = TransformFailed(
        **_ids(user, image, transformation),
        error_code="source_unreadable",
        message="the source could not be decoded",
        retryable=False,
    )
    await send_event(images_settings.topic_transform_events, image["id"], failed)
    body = await _status_becomes(client, user, transformation, "failed", wait_until)
    assert body["error"] == {
        "code": "source_unreadable",
        "message": "the source could not be decoded",
    }
    content = await client.get(transformation["links"]["content"], headers=user.headers)
    assert content.status_code == 409
    assert content.json()["error"]["details"]["status"] == "failed"

    again = await client.post(f"/images/{image['id']}/transform", headers=user.headers, json=SPEC)

    assert again.status_code == 202
    assert again.json()["id"] == transformation["id"]
    assert again.json()["status"] == "pending"


async def test_undecodable_messages_and_unknown_transformations_are_skipped(
    client, user, uploaded, send_event, images_settings, wait_until, sql
):
    image, transformation = await _requested(client, user, uploaded)
    producer = make_producer(images_settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for garbage in (b"not json", b'{"type": "Unheard", "version": 1, "data": {}}'):
            await producer.send_and_wait(
                images_settings.topic_transform_events, garbage, key=image["id"].encode()
            )
    finally:
        await producer.stop()
    stray = Envelope.wrap(
        TransformStarted(transformation_id=uuid.uuid4(), image_id=uuid.uuid4(), owner_id=user.id)
    )
    await send_event(images_settings.topic_transform_events, image["id"], stray)
    await send_event(
        images_settings.topic_transform_events,
        image["id"],
        TransformStarted(**_ids(user, image, transformation)),
    )

    await _status_becomes(client, user, transformation, "processing", wait_until)
    assert sql("SELECT 1 FROM processed_events WHERE event_id = :id", id=stray.id)
