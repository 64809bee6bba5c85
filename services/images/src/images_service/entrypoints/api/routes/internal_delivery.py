"""Internal routes for the gateway's public delivery (not routed by the gateway, token-gated).

- the account's signing pairs, which the gateway caches to verify URLs before any other work;
- the bytes for a verified URL, with the facts the gateway needs for headers and budgets.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from images_service.domain.errors import StillRendering, TransformationNotReady
from images_service.entrypoints.api.content import serve_object
from images_service.entrypoints.api.deps import (
    InternalCaller,
    NotificationsDep,
    SettingsDep,
    StorageDep,
    UowDep,
)
from images_service.service_layer.delivery import DeliveryRequest, answer_delivery
from images_service.service_layer.notifications import wait_until_finished
from images_service.service_layer.signing_keys import signing_keys_of
from platform_common.transform_spec import MEDIA_TYPES

router = APIRouter(
    prefix="/internal/delivery/{account_id}", dependencies=[InternalCaller], include_in_schema=False
)


@router.get("/keys")
def account_keys(account_id: uuid.UUID, uow: UowDep) -> dict[str, list[dict[str, str]]]:
    keys = signing_keys_of(uow, account_id)
    return {"keys": [{"id": str(k.id), "key": k.key, "salt": k.salt} for k in keys]}


@router.get("/images/{image_id}", response_class=Response)
async def delivered_image(
    request: Request,
    account_id: uuid.UUID,
    image_id: uuid.UUID,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
    notifications: NotificationsDep,
    options: Annotated[list[str], Query(max_length=64)] = [],  # noqa: B006 (FastAPI copies it)
    extension: str | None = None,
    negotiated: str | None = None,
    render: bool = False,
) -> Response:
    delivery = DeliveryRequest(account_id, image_id, options, extension, negotiated, render)
    answer = await run_in_threadpool(
        answer_delivery, uow, delivery, settings.topic_transform_requested
    )
    transformation = await wait_until_finished(
        uow, notifications, answer.transformation, account_id, settings.delivery_wait_seconds
    )
    if not transformation.is_finished:
        raise StillRendering()
    if not transformation.is_ready:
        raise TransformationNotReady(transformation.status, transformation.error_code)
    response = await serve_object(
        request,
        storage,
        settings,
        key=transformation.variant_key,
        # The format the transformer wrote (it encoded the bytes), never an upload's claim.
        media_type=MEDIA_TYPES.get(transformation.result_format or "", "application/octet-stream"),
        etag=transformation.etag,
        allow_redirect=False,
    )
    response.headers["X-Delivery-Rendered"] = "1" if answer.rendered else "0"
    response.headers["X-Delivery-Format-Open"] = "1" if answer.format_open else "0"
    return response
