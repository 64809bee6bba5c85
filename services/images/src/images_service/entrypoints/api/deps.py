"""FastAPI dependencies, as Annotated aliases so routes read like their signature says.

The ones that only pick a part of the service are `async def`: FastAPI runs a plain `def`
dependency in the thread pool, a hop per dependency per request for a dictionary lookup.
"""

import hmac
import uuid
from typing import Annotated, cast

from fastapi import Depends, Header, Request

from images_service.adapters.memory import LargeRequests
from images_service.adapters.object_storage import ObjectStorage
from images_service.adapters.transformer_client import TransformerClient
from images_service.adapters.variant_bytes import VariantBytes
from images_service.bootstrap import ImagesService
from images_service.config import Settings
from images_service.service_layer.delivery_urls import UrlSigner
from images_service.service_layer.insight import PixelReader
from images_service.service_layer.inspection import UploadLimits
from images_service.service_layer.notifications import FinishedNotifications
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.errors import NotFound, Unauthorized
from platform_common.security.dependencies import AdminClaimsDep, ClaimsDep
from platform_common.security.tokens import TokenClaims


async def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def get_images(request: Request) -> ImagesService:
    return cast(ImagesService, request.app.state.images)


ImagesDep = Annotated[ImagesService, Depends(get_images)]


async def get_uow(images: ImagesDep) -> ImagesUnitOfWork:
    # One per request: a unit of work holds the session of the transaction in progress.
    return images.new_uow()


async def get_storage(images: ImagesDep) -> ObjectStorage:
    return images.storage


async def get_notifications(images: ImagesDep) -> FinishedNotifications:
    return images.notifications


async def get_large_requests(images: ImagesDep) -> LargeRequests:
    return images.large_requests


async def get_variant_bytes(images: ImagesDep) -> VariantBytes:
    return images.variant_bytes


async def get_transformer(images: ImagesDep) -> TransformerClient:
    return images.transformer


async def get_limits(settings: Annotated[Settings, Depends(get_settings)]) -> UploadLimits:
    return UploadLimits(max_bytes=settings.max_upload_bytes, max_pixels=settings.max_pixels)


async def get_pixels(images: ImagesDep) -> PixelReader:
    return images.pixels


def _user_id(claims: TokenClaims) -> uuid.UUID:
    try:
        return uuid.UUID(claims.subject)
    except ValueError as exc:
        raise Unauthorized("The token does not name a user", code="invalid_token") from exc


async def current_owner(claims: ClaimsDep) -> uuid.UUID:
    """The caller's user id: every image query is scoped to it."""
    return _user_id(claims)


async def current_admin(claims: AdminClaimsDep) -> uuid.UUID:
    return _user_id(claims)


async def get_signer(settings: Annotated[Settings, Depends(get_settings)]) -> UrlSigner:
    return UrlSigner(settings.public_base_url, settings.delivery_signature_size)


async def internal_caller(
    settings: Annotated[Settings, Depends(get_settings)],
    x_internal_token: Annotated[str, Header()] = "",
) -> None:
    """Internal routes answer only the gateway; to anyone else they do not exist."""
    if not hmac.compare_digest(x_internal_token.encode(), settings.internal_api_token.encode()):
        raise NotFound("Not Found")


SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[ImagesUnitOfWork, Depends(get_uow)]
StorageDep = Annotated[ObjectStorage, Depends(get_storage)]
NotificationsDep = Annotated[FinishedNotifications, Depends(get_notifications)]
LargeRequestsDep = Annotated[LargeRequests, Depends(get_large_requests)]
TransformerDep = Annotated[TransformerClient, Depends(get_transformer)]
VariantBytesDep = Annotated[VariantBytes, Depends(get_variant_bytes)]
SignerDep = Annotated[UrlSigner, Depends(get_signer)]
InternalCaller = Depends(internal_caller)
LimitsDep = Annotated[UploadLimits, Depends(get_limits)]
PixelsDep = Annotated[PixelReader, Depends(get_pixels)]
CurrentOwner = Annotated[uuid.UUID, Depends(current_owner)]
CurrentAdmin = Annotated[uuid.UUID, Depends(current_admin)]
