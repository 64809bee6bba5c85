"""An event in, one delivery per subscribed endpoint out (idempotent: Kafka redelivers)."""

import logging
from datetime import UTC, datetime

from images_service.webhooks.domain.model import Delivery, delivery_id
from images_service.webhooks.domain.payloads import message_for
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.events import Envelope

log = logging.getLogger(__name__)


def record_deliveries(uow: WebhooksUnitOfWork, envelope: Envelope) -> int:
    """Owed deliveries for this event, written once; returns how many were new."""
    message = message_for(envelope)
    if message is None:
        return 0
    now = datetime.now(UTC)
    created = 0
    with uow:
        for endpoint in uow.endpoints.subscribed(message.owner_id, envelope.occurred_at):
            delivery = Delivery(
                id=delivery_id(endpoint.id, message.event_id),
                endpoint_id=endpoint.id,
                event_id=message.event_id,
                event_type=message.type,
                payload=message.body,
                created_at=now,
                window_started_at=now,
                next_attempt_at=now,
            )
            created += uow.deliveries.add_once(delivery)
        uow.commit()
    if created:
        log.info("%s: %d webhook deliveries owed", message.type, created)
    return created
