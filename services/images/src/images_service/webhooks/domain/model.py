"""Webhook endpoints, the deliveries owed to them, and each attempt at one.

A delivery is one event for one endpoint: its id is the Standard Webhooks message id
(`webhook-id`), the same on every retry and replay, so a receiver dedupes on it. It is derived
from the endpoint and the event, so an event consumed twice (at-least-once Kafka) still makes one.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from images_service.webhooks.domain.retry import RetryPolicy

_DELIVERY_NAMESPACE = uuid.UUID("6f1d5a0c-3b8e-4f8f-9a55-1c1f0d3b7e21")


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # retried for the whole retry window without success; replay restarts it


@dataclass(eq=False)
class Endpoint:
    id: uuid.UUID
    owner_id: uuid.UUID
    url: str
    secret: str
    enabled: bool
    description: str | None
    created_at: datetime
    updated_at: datetime


def delivery_id(endpoint_id: uuid.UUID, event_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_DELIVERY_NAMESPACE, f"{endpoint_id}/{event_id}")


@dataclass(eq=False)
class Delivery:
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    payload: str
    created_at: datetime
    # Retries are counted from here: the first attempt, or the last replay.
    window_started_at: datetime
    next_attempt_at: datetime | None
    status: str = DeliveryStatus.PENDING
    attempts: int = 0
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None

    def record_attempt(
        self, now: datetime, status_code: int | None, error: str | None, retry: RetryPolicy
    ) -> None:
        self.attempts += 1
        self.last_attempt_at, self.last_status_code, self.last_error = now, status_code, error
        if status_code is not None and 200 <= status_code < 300:
            self.status, self.next_attempt_at = DeliveryStatus.SUCCEEDED, None
            return
        self.next_attempt_at = retry.next_attempt(self.window_started_at, self.attempts, now)
        self.status = DeliveryStatus.PENDING if self.next_attempt_at else DeliveryStatus.FAILED

    def replay(self, now: datetime) -> None:
        """Send again now (whatever happened before), with a fresh retry window."""
        self.status = DeliveryStatus.PENDING
        self.window_started_at = self.next_attempt_at = now


@dataclass(eq=False)
class Attempt:
    id: uuid.UUID
    delivery_id: uuid.UUID
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
