"""Live status messages: which Kafka events reach which user, in the shape clients receive.

Every message carries a transformation in its public shape, the one the REST API answers with
(`GET /images/{id}/transformations/{tid}`), whether it comes from an event or from a snapshot:
its id, image, status, result or error, `updated_at` and `links` (`content` is the result).
Internal facts of the events (owner ids, S3 keys, timings) never reach a client.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from platform_common.events import Envelope, TransformFailed, TransformStarted, TransformSucceeded

LIVE_EVENT_TYPES = frozenset({TransformStarted.type, TransformSucceeded.type, TransformFailed.type})
STATUS_SNAPSHOT_TYPE = "TransformationStatus"


class LiveResult(BaseModel):
    format: str
    width: int
    height: int
    bytes: int


class LiveError(BaseModel):
    code: str
    message: str | None


class LiveTransformation(BaseModel):
    """The fields of the REST API's transformation that live messages carry, with its names.

    Snapshots are read through it too (extra fields ignored), so both kinds look the same."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID
    image_id: uuid.UUID
    status: str
    result: LiveResult | None = None
    error: LiveError | None = None
    updated_at: datetime
    links: dict[str, str]


def transformation_links(image_id: uuid.UUID, transformation_id: uuid.UUID) -> dict[str, str]:
    """As the REST API links them (through this gateway, the same paths)."""
    base = f"/images/{image_id}/transformations/{transformation_id}"
    return {"self": base, "content": f"{base}/content", "image": f"/images/{image_id}"}


@dataclass(frozen=True, slots=True)
class LiveMessage:
    id: str | None  # the envelope id: SSE clients resume after it with Last-Event-ID
    type: str
    owner_id: str
    json: str  # serialised once, sent to every connection of the owner as is


def _message(id_: str | None, type_: str, owner_id: str, body: dict[str, Any]) -> LiveMessage:
    return LiveMessage(id_, type_, owner_id, json.dumps(body, separators=(",", ":")))


def _public(
    event: TransformStarted | TransformSucceeded | TransformFailed, at: datetime
) -> LiveTransformation:
    status = "processing"  # TransformStarted
    result: LiveResult | None = None
    error: LiveError | None = None
    match event:
        case TransformSucceeded():
            status = "succeeded"
            result = LiveResult(
                format=event.format, width=event.width, height=event.height, bytes=event.bytes
            )
        case TransformFailed():
            status = "failed"
            error = LiveError(code=event.error_code, message=event.message)
    return LiveTransformation(
        id=event.transformation_id,
        image_id=event.image_id,
        status=status,
        result=result,
        error=error,
        updated_at=at,
        links=transformation_links(event.image_id, event.transformation_id),
    )


def live_message_from(envelope: Envelope) -> LiveMessage | None:
    """The message for the event's owner, or None for events no client follows.

    Raises pydantic.ValidationError for an event of a live type that does not validate."""
    if envelope.type not in LIVE_EVENT_TYPES:
        return None
    event = envelope.event()
    if not isinstance(event, TransformStarted | TransformSucceeded | TransformFailed):
        return None
    body = {
        "type": envelope.type,
        "id": str(envelope.id),
        "occurred_at": envelope.occurred_at.isoformat(),
        "data": _public(event, envelope.occurred_at).model_dump(mode="json"),
    }
    return _message(str(envelope.id), envelope.type, str(event.owner_id), body)


def status_snapshot(owner_id: str, transformation: LiveTransformation) -> LiveMessage:
    """A transformation's current state as images reports it, sent when a client (re)connects."""
    data = transformation.model_dump(mode="json")
    body = {"type": STATUS_SNAPSHOT_TYPE, "id": None, "data": data}
    return _message(None, STATUS_SNAPSHOT_TYPE, owner_id, body)
