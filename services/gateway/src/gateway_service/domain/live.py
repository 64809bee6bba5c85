"""Live status messages: which Kafka events reach which user, in the shape clients receive."""

import json
from dataclasses import dataclass
from typing import Any

from platform_common.events import Envelope, TransformFailed, TransformStarted, TransformSucceeded

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


def live_message_from(envelope: Envelope) -> LiveMessage | None:
    """The message for the event's owner, or None for events no client follows."""
    owner_id = envelope.data.get("owner_id")
    if envelope.type not in LIVE_EVENT_TYPES or not owner_id:
        return None
    body = {
        "type": envelope.type,
        "id": str(envelope.id),
        "occurred_at": envelope.occurred_at.isoformat(),
        "data": envelope.data,
    }
    return _message(str(envelope.id), envelope.type, str(owner_id), body)


def status_snapshot(owner_id: str, transformation: dict[str, Any]) -> LiveMessage:
    """A transformation's current state as images reports it, sent when a client (re)connects."""
    body = {"type": STATUS_SNAPSHOT_TYPE, "id": None, "data": transformation}
    return _message(None, STATUS_SNAPSHOT_TYPE, owner_id, body)
