"""The Kafka contracts: a versioned envelope and the platform's events.

Values are JSON envelopes {"type", "version", "id", "occurred_at", "trace", "data"}; keys are the
image id (transform topics) or the user id (user events), so one entity's events stay ordered.
Consumers dedupe on the envelope id (at-least-once delivery end to end).

A reader accepts the previous version of an event too (a rolling deploy runs old producers next
to new consumers): the envelope upgrades it as it is read (`event_upgrades`), so no code past
the envelope ever sees an old shape.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from platform_common.event_upgrades import upgrade
from platform_common.request_context import current_request_id
from platform_common.tracing import inject
from platform_common.transform_spec import TransformSpec
from platform_common.transform_spec.output import OutputFormat


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """Base for event payloads; `type` and `version` identify the schema on the wire."""

    model_config = ConfigDict(frozen=True)
    type: ClassVar[str]
    version: ClassVar[int] = 1


class TransformRequested(Event):
    """Render `spec` of the source into `variant_key`, encoded as `output_format`.

    The spec was validated once, by the producer; the format is the one the variant key's
    content address was made for, so the transformer never works it out again."""

    type: ClassVar[str] = "TransformRequested"
    version: ClassVar[int] = 2
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID
    source_key: str
    source_checksum: str
    variant_key: str  # where the result is stored: the one key of the result
    spec: TransformSpec
    output_format: OutputFormat
    requested_at: datetime
    # Extra source objects some operations read (an image watermark): image id -> S3 key.
    assets: dict[str, str] = Field(default_factory=dict)
    # The source's size, for the transformer's cost estimate (fair scheduling); absent from
    # older producers, when a typical photo is assumed.
    source_width: int | None = None
    source_height: int | None = None


class TransformStarted(Event):
    type: ClassVar[str] = "TransformStarted"
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID
    attempt: int = 1


class TransformSucceeded(Event):
    """The result is stored under the request's variant key (the requester knows it already)."""

    type: ClassVar[str] = "TransformSucceeded"
    version: ClassVar[int] = 2
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID
    format: str
    width: int
    height: int
    bytes: int
    duration_ms: int


class TransformFailed(Event):
    type: ClassVar[str] = "TransformFailed"
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID
    error_code: str
    message: str
    retryable: bool


class TransformDeadLettered(Event):
    """On images.transform.dlq: a request that failed for good, with the failure, for operators
    to inspect and (after a fix) replay. `request` is the original envelope as received."""

    type: ClassVar[str] = "TransformDeadLettered"
    transformation_id: uuid.UUID | None
    image_id: uuid.UUID | None
    error_code: str
    message: str
    retryable: bool
    attempts: int
    request: dict[str, Any]


class ImageDeleted(Event):
    """On images.events: an original (and its variants) was deleted by its owner."""

    type: ClassVar[str] = "ImageDeleted"
    image_id: uuid.UUID
    owner_id: uuid.UUID
    deleted_at: datetime


class UserRegistered(Event):
    type: ClassVar[str] = "UserRegistered"
    user_id: uuid.UUID
    username: str


class UserDeleted(Event):
    type: ClassVar[str] = "UserDeleted"
    user_id: uuid.UUID


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls
    for cls in (
        TransformRequested,
        TransformStarted,
        TransformSucceeded,
        TransformFailed,
        TransformDeadLettered,
        ImageDeleted,
        UserRegistered,
        UserDeleted,
    )
}


class Envelope(BaseModel):
    type: str
    version: int
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    occurred_at: datetime = Field(default_factory=utcnow)
    trace: dict[str, str] = Field(default_factory=dict)
    data: dict[str, Any]

    @model_validator(mode="after")
    def _upgrade_previous_versions(self) -> "Envelope":
        # Converted at the edge: whatever reads the envelope sees the current shape only.
        self.version, self.data = upgrade(self.type, self.version, self.data)
        return self

    @classmethod
    def wrap(cls, event: Event, trace: dict[str, str] | None = None) -> "Envelope":
        if trace is None:
            # The request id and the trace context of the code raising the event: kept with an
            # outbox row, so the relay's later publish continues the request's trace.
            request_id = current_request_id()
            trace = inject({"request_id": request_id} if request_id else {})
        return cls(
            type=event.type,
            version=event.version,
            trace=trace,
            data=event.model_dump(mode="json"),
        )

    def event(self) -> Event:
        """The typed payload; raises KeyError for a type this code does not know."""
        return EVENT_TYPES[self.type].model_validate(self.data)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Envelope":
        return cls.model_validate_json(raw)
