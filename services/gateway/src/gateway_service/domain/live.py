"""Live status messages: which Kafka events reach which user, in the shape clients receive.

Every message carries a transformation in its public shape, the one the REST API answers with
(`GET /images/{id}/transformations/{tid}`), whether it comes from an event or from a snapshot:
its id, image, status, result or error, `updated_at` and `links` (`content` is the result).
Internal facts of the events (owner ids, S3 keys, timings) never reach a client.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from platform_common.events import Envelope, TransformFailed, TransformStarted, TransformSucceeded
from platform_common.transformation_shape import (
    TransformationError,
    TransformationResult,
    TransformationUpdate,
    transformation_links,
)

LIVE_EVENT_TYPES = frozenset({TransformStarted.type, TransformSucceeded.type, TransformFailed.type})
STATUS_SNAPSHOT_TYPE = "TransformationStatus"


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
) -> TransformationUpdate:
    status = "processing"  # TransformStarted
    result: TransformationResult | None = None
    error: TransformationError | None = None
    match event:
        case TransformSucceeded():
            status = "succeeded"
            result = TransformationResult(
                format=event.format, width=event.width, height=event.height, bytes=event.bytes
            )
        case TransformFailed():
            status = "failed"
            error = TransformationError(code=event.error_code, message=event.message)
    return TransformationUpdate(
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


def status_snapshot(owner_id: str, transformation: TransformationUpdate) -> LiveMessage:
    """A transformation's current state as images reports it, sent when a client (re)connects."""
    data = transformation.model_dump(mode="json")
    body = {"type": STATUS_SNAPSHOT_TYPE, "id": None, "data": data}
    return _message(None, STATUS_SNAPSHOT_TYPE, owner_id, body)
