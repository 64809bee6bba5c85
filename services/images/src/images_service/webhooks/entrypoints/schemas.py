"""Request and response bodies of the webhooks API."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from images_service.webhooks.domain.model import Attempt, Delivery, DeliveryStatus, Endpoint

URL_FIELD = Field(
    min_length=1,
    max_length=2048,
    # No `examples`: schema fuzzers send them, and a test must never reach the internet.
    description="Where events are POSTed: an http(s) URL on the public internet, such as "
    "https://example.com/hooks/images",
)


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = URL_FIELD
    enabled: bool = True
    description: str | None = Field(default=None, max_length=255)


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=255)


class EndpointPublic(BaseModel):
    id: uuid.UUID
    url: str
    enabled: bool
    description: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: Endpoint) -> "EndpointPublic":
        return cls.model_validate(endpoint, from_attributes=True)


class EndpointCreated(EndpointPublic):
    secret: str = Field(
        description="The signing secret (Standard Webhooks `whsec_...`), shown only here"
    )

    @classmethod
    def of(cls, endpoint: Endpoint) -> "EndpointCreated":
        return cls.model_validate(endpoint, from_attributes=True)


class EndpointList(BaseModel):
    items: list[EndpointPublic]


class AttemptPublic(BaseModel):
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryPublic(BaseModel):
    id: uuid.UUID = Field(description="The `webhook-id` header: the same on retries and replays")
    event_id: uuid.UUID
    type: str
    status: DeliveryStatus
    attempts: list[AttemptPublic]
    next_attempt_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]

    @classmethod
    def of(cls, delivery: Delivery, attempts: Sequence[Attempt]) -> "DeliveryPublic":
        return cls(
            id=delivery.id,
            event_id=delivery.event_id,
            type=delivery.event_type,
            status=DeliveryStatus(delivery.status),
            attempts=[AttemptPublic.model_validate(a, from_attributes=True) for a in attempts],
            next_attempt_at=delivery.next_attempt_at,
            created_at=delivery.created_at,
            payload=json.loads(delivery.payload),
        )


class DeliveryList(BaseModel):
    items: list[DeliveryPublic]
