"""Webhook signatures verify with the published Standard Webhooks library; retries back off
exponentially for at least a day; delivery ids are stable per endpoint and event."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from images_service.webhooks.domain.model import Delivery, DeliveryStatus, delivery_id
from images_service.webhooks.domain.payloads import message_for
from images_service.webhooks.domain.retry import RetryPolicy
from images_service.webhooks.domain.signing import new_secret, signed_headers
from platform_common.events import Envelope, ImageDeleted, TransformStarted, TransformSucceeded

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_signed_messages_verify_with_the_standardwebhooks_package() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    body = b'{"type":"image.deleted","data":{}}'
    headers = signed_headers(secret, "msg_1", int(datetime.now(UTC).timestamp()), body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)


def test_backoff_doubles_is_capped_and_lasts_at_least_a_day() -> None:
    retry = RetryPolicy(base_seconds=10, max_delay_seconds=4 * 3600, retry_for_seconds=26 * 3600)
    assert [retry.delay(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert retry.delay(40) == timedelta(hours=4)
    started, now, attempts = NOW, NOW, 0
    while (later := retry.next_attempt(started, attempts + 1, now)) is not None:
        attempts, now = attempts + 1, later
    assert now - started >= timedelta(days=1)
    assert attempts < 30  # exponential, not a retry storm


def _delivery() -> Delivery:
    return Delivery(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "image.deleted", "{}", NOW, NOW, NOW)


def test_failures_are_retried_then_given_up_and_replay_starts_again() -> None:
    retry = RetryPolicy(base_seconds=1, max_delay_seconds=60, retry_for_seconds=3600)
    delivery = _delivery()
    delivery.record_attempt(NOW, 503, "HTTP 503", retry)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at == NOW + timedelta(seconds=1)
    delivery.record_attempt(NOW + timedelta(hours=2), None, "ConnectError", retry)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.next_attempt_at is None
    delivery.replay(NOW + timedelta(hours=3))
    assert delivery.status == DeliveryStatus.PENDING
    delivery.record_attempt(NOW + timedelta(hours=3), 204, None, retry)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)


def test_a_redirect_is_not_a_success() -> None:
    delivery = _delivery()
    delivery.record_attempt(NOW, 302, "HTTP 302", RetryPolicy())
    assert delivery.status == DeliveryStatus.PENDING


def test_delivery_id_is_stable_per_endpoint_and_event() -> None:
    endpoint, event = uuid.uuid4(), uuid.uuid4()
    assert delivery_id(endpoint, event) == delivery_id(endpoint, event)
    assert delivery_id(endpoint, event) != delivery_id(uuid.uuid4(), event)


def test_only_the_three_event_types_become_webhooks_without_internal_keys() -> None:
    owner, image, tid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    event = TransformSucceeded(
        transformation_id=tid, image_id=image, owner_id=owner,
        format="webp", width=8, height=8, bytes=10, duration_ms=5,
    )  # fmt: skip
    # As the previous release's transformer sent it, with the S3 key echoed as result_key.
    old_data = {**event.model_dump(mode="json"), "result_key": "variants/x.webp"}
    succeeded = Envelope(type=event.type, version=1, data=old_data)
    message = message_for(succeeded)
    assert message is not None and message.owner_id == owner
    body = json.loads(message.body)
    assert body["type"] == "transform.succeeded"
    assert "result_key" not in body["data"]
    assert body["data"]["event_id"] == str(succeeded.id)
    deleted = Envelope.wrap(ImageDeleted(image_id=image, owner_id=owner, deleted_at=NOW))
    assert json.loads(message_for(deleted).body)["type"] == "image.deleted"  # type: ignore[union-attr]
    started = Envelope.wrap(TransformStarted(transformation_id=tid, image_id=image, owner_id=owner))
    assert message_for(started) is None
