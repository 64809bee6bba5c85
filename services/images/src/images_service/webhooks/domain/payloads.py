"""Which platform events become webhooks, and the body a receiver gets for each.

Bodies follow the Standard Webhooks shape {"type", "timestamp", "data"} with dotted type names.
Events carry no S3 keys, so the data is the event as it is.
"""

import json
import uuid
from dataclasses import dataclass

from platform_common.events import Envelope

WEBHOOK_TYPES: dict[str, str] = {
    "TransformSucceeded": "transform.succeeded",
    "TransformFailed": "transform.failed",
    "ImageDeleted": "image.deleted",
}


@dataclass(frozen=True)
class WebhookMessage:
    event_id: uuid.UUID
    owner_id: uuid.UUID
    type: str
    body: str


def message_for(envelope: Envelope) -> WebhookMessage | None:
    """The webhook an event makes, or None for events that are not sent (TransformStarted...)."""
    webhook_type = WEBHOOK_TYPES.get(envelope.type)
    if webhook_type is None:
        return None
    event = envelope.event()  # validates the payload
    data = event.model_dump(mode="json")
    body = {
        "type": webhook_type,
        "timestamp": envelope.occurred_at.isoformat(),
        "data": {"event_id": str(envelope.id), **data},
    }
    return WebhookMessage(
        event_id=envelope.id,
        owner_id=uuid.UUID(str(data["owner_id"])),
        type=webhook_type,
        body=json.dumps(body, separators=(",", ":")),
    )
