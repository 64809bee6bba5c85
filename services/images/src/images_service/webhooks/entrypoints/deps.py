"""FastAPI dependencies of the webhooks routes."""

from typing import Annotated

from fastapi import Depends, Request

from images_service.domain.address_policy import AddressPolicy
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


def get_webhooks_uow(request: Request) -> WebhooksUnitOfWork:
    uow: WebhooksUnitOfWork = request.app.state.images.new_webhooks_uow()
    return uow


def get_webhook_policy(request: Request) -> AddressPolicy:
    settings = request.app.state.settings
    return AddressPolicy.allowing(
        settings.webhook_allowed_networks, settings.webhook_public_addresses
    )


WebhooksUowDep = Annotated[WebhooksUnitOfWork, Depends(get_webhooks_uow)]
WebhookPolicyDep = Annotated[AddressPolicy, Depends(get_webhook_policy)]
