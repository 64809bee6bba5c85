"""The webhooks API and fan-out in-process, on the real PostgreSQL and Kafka: endpoints are the
account's own, inside targets are refused, an event makes one delivery per endpoint however
often it is consumed, and a deleted account's endpoints go with it."""

import uuid
from datetime import UTC, datetime

from images_service.webhooks.service_layer.fanout import record_deliveries
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.events import Envelope, ImageDeleted, UserDeleted

CLOSED_LOOPBACK = "http://127.0.0.1:9/hooks"  # allowed by the test settings; nobody listens


async def _endpoint(client, user, url: str = CLOSED_LOOPBACK) -> dict:
    response = await client.post("/webhooks", headers=user.headers, json={"url": url})
    assert response.status_code == 201, response.text
    return response.json()


async def test_inside_targets_and_unknown_fields_are_refused(client, user) -> None:
    for url in ("http://10.0.0.1/h", "http://169.254.169.254/", "http://[::1]:9/", "ftp://x/"):
        response = await client.post("/webhooks", headers=user.headers, json={"url": url})
        assert response.status_code == 422, (url, response.text)
    extra = await client.post(
        "/webhooks", headers=user.headers, json={"url": CLOSED_LOOPBACK, "events": ["*"]}
    )
    assert extra.status_code == 422


async def test_an_event_consumed_twice_makes_one_delivery(client, user, images_app, sql) -> None:
    endpoint = await _endpoint(client, user)
    envelope = Envelope.wrap(
        ImageDeleted(image_id=uuid.uuid4(), owner_id=user.id, deleted_at=datetime.now(UTC))
    )
    uow = WebhooksUnitOfWork(images_app.state.images.session_factory)

    assert record_deliveries(uow, envelope) == 1
    assert record_deliveries(uow, envelope) == 0  # Kafka redelivered it

    rows = sql("SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = :id", id=endpoint["id"])
    assert rows == [(1,)]
    listed = await client.get(f"/webhooks/{endpoint['id']}/deliveries", headers=user.headers)
    [delivery] = listed.json()["items"]
    assert delivery["event_id"] == str(envelope.id)
    assert delivery["payload"]["type"] == "image.deleted"


async def test_a_disabled_endpoint_gets_no_new_deliveries(client, user, images_app) -> None:
    endpoint = await _endpoint(client, user)
    patched = await client.patch(
        f"/webhooks/{endpoint['id']}", headers=user.headers, json={"enabled": False}
    )
    assert patched.json()["enabled"] is False
    envelope = Envelope.wrap(
        ImageDeleted(image_id=uuid.uuid4(), owner_id=user.id, deleted_at=datetime.now(UTC))
    )
    assert (
        record_deliveries(WebhooksUnitOfWork(images_app.state.images.session_factory), envelope)
        == 0
    )


async def test_a_deleted_account_loses_its_endpoints(
    client, user, images_settings, send_event, wait_until
) -> None:
    await _endpoint(client, user)
    await send_event(images_settings.topic_user_events, str(user.id), UserDeleted(user_id=user.id))

    async def gone() -> bool:
        response = await client.get("/webhooks", headers=user.headers)
        return response.json()["items"] == []

    assert await wait_until(gone)
