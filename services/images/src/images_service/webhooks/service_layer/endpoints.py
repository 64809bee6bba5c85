"""Use cases of the webhooks API: endpoints, their deliveries, replay. All scoped to the owner."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from images_service.webhooks.domain.errors import (
    DeliveryNotFound,
    EndpointNotFound,
    TooManyEndpoints,
)
from images_service.webhooks.domain.model import Attempt, Delivery, Endpoint
from images_service.webhooks.domain.signing import new_secret
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EndpointChanges:
    url: str | None = None
    enabled: bool | None = None
    description: str | None = None


def create_endpoint(
    uow: WebhooksUnitOfWork, owner_id: uuid.UUID, url: str, enabled: bool,
    description: str | None, max_endpoints: int,
) -> Endpoint:  # fmt: skip
    now = utcnow()
    with uow:
        if len(uow.endpoints.of_owner(owner_id)) >= max_endpoints:
            raise TooManyEndpoints(max_endpoints)
        endpoint = Endpoint(uuid.uuid4(), owner_id, url, new_secret(), enabled, description,
                            now, now)  # fmt: skip
        uow.endpoints.add(endpoint)
        uow.commit()
    return endpoint


def list_endpoints(uow: WebhooksUnitOfWork, owner_id: uuid.UUID) -> Sequence[Endpoint]:
    with uow:
        return uow.endpoints.of_owner(owner_id)


def update_endpoint(
    uow: WebhooksUnitOfWork, owner_id: uuid.UUID, endpoint_id: uuid.UUID, changes: EndpointChanges
) -> Endpoint:
    with uow:
        endpoint = uow.endpoints.get_owned(endpoint_id, owner_id)
        if endpoint is None:
            raise EndpointNotFound()
        if changes.url is not None:
            endpoint.url = changes.url
        if changes.enabled is not None:
            endpoint.enabled = changes.enabled
        if changes.description is not None:
            endpoint.description = changes.description
        endpoint.updated_at = utcnow()
        uow.commit()
    return endpoint


def delete_endpoint(uow: WebhooksUnitOfWork, owner_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
    with uow:
        endpoint = uow.endpoints.get_owned(endpoint_id, owner_id)
        if endpoint is None:
            raise EndpointNotFound()
        uow.endpoints.delete(endpoint)
        uow.commit()


def list_deliveries(
    uow: WebhooksUnitOfWork, owner_id: uuid.UUID, endpoint_id: uuid.UUID, status: str | None,
    limit: int,
) -> tuple[Sequence[Delivery], dict[uuid.UUID, list[Attempt]]]:  # fmt: skip
    """Newest first, each with its attempts (oldest first)."""
    with uow:
        if uow.endpoints.get_owned(endpoint_id, owner_id) is None:
            raise EndpointNotFound()
        deliveries = uow.deliveries.of_endpoint(endpoint_id, status, limit)
        attempts: dict[uuid.UUID, list[Attempt]] = {d.id: [] for d in deliveries}
        for attempt in uow.attempts.of_deliveries([d.id for d in deliveries]):
            attempts[attempt.delivery_id].append(attempt)
        return deliveries, attempts


def replay_delivery(
    uow: WebhooksUnitOfWork, owner_id: uuid.UUID, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> tuple[Delivery, Sequence[Attempt]]:
    with uow:
        if uow.endpoints.get_owned(endpoint_id, owner_id) is None:
            raise EndpointNotFound()
        delivery = uow.deliveries.get(delivery_id, endpoint_id, for_update=True)
        if delivery is None:
            raise DeliveryNotFound()
        delivery.replay(utcnow())
        uow.commit()
        return delivery, uow.attempts.of_deliveries([delivery.id])
