"""Server-side signing, for clients that do not want to hold a key."""

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from images_service.domain.errors import InvalidRequest
from images_service.entrypoints.api.deps import CurrentOwner, SettingsDep, SignerDep, UowDep
from images_service.entrypoints.api.routes.images import ImageId
from images_service.entrypoints.api.schemas import DeliveryUrlPublic, DeliveryUrlRequest
from images_service.service_layer.delivery_urls import sign_delivery_url, split_options
from images_service.service_layer.presets import valid_name
from platform_common.openapi import error_responses

router = APIRouter(prefix="/images/{image_id}", tags=["delivery"])


@router.post(
    "/delivery-url",
    operation_id="signDeliveryUrl",
    responses=error_responses(401, 404, 422),
    summary="A signed public URL for this image with the given options, preset and expiry",
)
async def delivery_url(
    image_id: ImageId,
    body: DeliveryUrlRequest,
    owner: CurrentOwner,
    uow: UowDep,
    signer: SignerDep,
    settings: SettingsDep,
) -> DeliveryUrlPublic:
    if body.expires_in and body.expires_in > settings.delivery_max_expiry_seconds:
        raise InvalidRequest(
            f"expires_in is at most {settings.delivery_max_expiry_seconds} seconds",
            details=[{"field": "expires_in", "message": "too large"}],
        )
    options = split_options(body.options)
    if body.preset:
        options.insert(0, f"pr:{valid_name(body.preset)}")
    signed = await run_in_threadpool(
        sign_delivery_url, uow, signer, owner, image_id, options, body.extension, body.expires_in
    )
    return DeliveryUrlPublic(url=signed.url, expires_at=signed.expires_at)
