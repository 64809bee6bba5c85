"""An event in, one delivery per subscribed endpoint out (idempotent: Kafka redelivers).

A deleted account's endpoints go with it (and their deliveries, by cascade)."""

import logging
from datetime import UTC, datetime

from images_service.webhooks.domain.model import Delivery, delivery_id
from images_service.webhooks.domain.payloads import message_for
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.events import Envelope, UserDeleted

log = logging.getLogger(__name__)


def handle_event(uow: WebhooksUnitOfWork, envelope: Envelope) -> int:
    if envelope.type == UserDeleted.type:
        return forget_owner(uow, UserDeleted.model_validate(envelope.data))
    return record_deliveries(uow, envelope)


def forget_owner(uow: WebhooksUnitOfWork, event: UserDeleted) -> int:
    with uow:
        endpoints = uow.endpoints.of_owner(event.user_id)
        for endpoint in endpoints:
            uow.endpoints.delete(endpoint)
        uow.commit()
    return len(endpoints)


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
