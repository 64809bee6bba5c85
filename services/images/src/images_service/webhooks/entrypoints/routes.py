"""/webhooks: an account's endpoints, their deliveries (with attempts), and replay."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from starlette.concurrency import run_in_threadpool

from images_service.adapters.pinned_http import parse_target_url, pin, system_resolver
from images_service.domain.address_policy import AddressPolicy
from images_service.entrypoints.api.deps import CurrentOwner, SettingsDep
from images_service.webhooks.domain.model import DeliveryStatus
from images_service.webhooks.entrypoints.deps import WebhookPolicyDep, WebhooksUowDep
from images_service.webhooks.entrypoints.schemas import (
    DeliveryList,
    DeliveryPublic,
    EndpointCreate,
    EndpointCreated,
    EndpointList,
    EndpointPublic,
    EndpointUpdate,
)
from images_service.webhooks.service_layer import endpoints as use_cases
from platform_common.openapi import error_responses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
NOT_FOUND = error_responses(401, 404, 422, _404="No such endpoint (or delivery) of yours")
EndpointId = Annotated[uuid.UUID, Path(description="The webhook endpoint's id (a UUID)")]
DeliveryId = Annotated[uuid.UUID, Path(description="The delivery's id (a UUID)")]


async def _checked_url(url: str, policy: AddressPolicy) -> str:
    """Refused now if it points inside (the dispatcher checks again before every attempt)."""
    await pin(parse_target_url(url), policy, system_resolver)
    return url


@router.post(
    "",
    operation_id="createWebhook",
    status_code=status.HTTP_201_CREATED,
    summary="Add a webhook endpoint",
    responses=error_responses(401, 409, 422),
)
async def create_webhook(
    body: EndpointCreate,
    response: Response,
    owner: CurrentOwner,
    uow: WebhooksUowDep,
    policy: WebhookPolicyDep,
    settings: SettingsDep,
) -> EndpointCreated:
    url = await _checked_url(body.url, policy)
    endpoint = await run_in_threadpool(
        use_cases.create_endpoint, uow, owner, url, body.enabled, body.description,
        settings.webhook_max_endpoints,
    )  # fmt: skip
    response.headers["Location"] = f"/webhooks/{endpoint.id}"
    return EndpointCreated.of(endpoint)


@router.get(
    "",
    operation_id="listWebhooks",
    summary="Your webhook endpoints (secrets are shown only at creation)",
    responses=error_responses(401),
)
def list_webhooks(owner: CurrentOwner, uow: WebhooksUowDep) -> EndpointList:
    return EndpointList(items=[EndpointPublic.of(e) for e in use_cases.list_endpoints(uow, owner)])


@router.patch(
    "/{endpoint_id}",
    operation_id="updateWebhook",
    summary="Change an endpoint's URL, description or enabled state",
    responses=NOT_FOUND,
)
async def update_webhook(
    endpoint_id: EndpointId,
    body: EndpointUpdate,
    owner: CurrentOwner,
    uow: WebhooksUowDep,
    policy: WebhookPolicyDep,
) -> EndpointPublic:
    url = await _checked_url(body.url, policy) if body.url is not None else None
    changes = use_cases.EndpointChanges(url, body.enabled, body.description)
    endpoint = await run_in_threadpool(use_cases.update_endpoint, uow, owner, endpoint_id, changes)
    return EndpointPublic.of(endpoint)


@router.delete(
    "/{endpoint_id}",
    operation_id="deleteWebhook",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an endpoint and its delivery history",
    responses=NOT_FOUND,
)
def delete_webhook(endpoint_id: EndpointId, owner: CurrentOwner, uow: WebhooksUowDep) -> None:
    use_cases.delete_endpoint(uow, owner, endpoint_id)


@router.get(
    "/{endpoint_id}/deliveries",
    operation_id="listWebhookDeliveries",
    summary="Deliveries, newest first, with every attempt",
    responses=NOT_FOUND,
)
def list_webhook_deliveries(
    endpoint_id: EndpointId,
    owner: CurrentOwner,
    uow: WebhooksUowDep,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only deliveries in this state")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many, 1-100")] = 50,
) -> DeliveryList:
    deliveries, attempts = use_cases.list_deliveries(uow, owner, endpoint_id, status, limit)
    return DeliveryList(items=[DeliveryPublic.of(d, attempts[d.id]) for d in deliveries])


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/replay",
    operation_id="replayWebhookDelivery",
    status_code=status.HTTP_202_ACCEPTED,
    responses=NOT_FOUND,
    summary="Send a delivery again now (same webhook-id), with a fresh retry window",
)
def replay_webhook_delivery(
    endpoint_id: EndpointId, delivery_id: DeliveryId, owner: CurrentOwner, uow: WebhooksUowDep
) -> DeliveryPublic:
    delivery, attempts = use_cases.replay_delivery(uow, owner, endpoint_id, delivery_id)
    return DeliveryPublic.of(delivery, attempts)
