"""Upload from a URL: the image is downloaded here (never by the gateway) and registered like an
upload. The download's defences against request forgery live in service_layer.remote_fetch."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from images_service.adapters.pinned_http import outbound_client, system_resolver
from images_service.domain.address_policy import AddressPolicy
from images_service.entrypoints.api.deps import (
    CurrentOwner,
    LimitsDep,
    PixelsDep,
    SettingsDep,
    StorageDep,
    UowDep,
)
from images_service.entrypoints.api.schemas import ImagePublic
from images_service.service_layer.registration import eager_variants, register_with_presets
from images_service.service_layer.remote_fetch import FetchLimits, download
from platform_common.openapi import error_responses

router = APIRouter(prefix="/images", tags=["images"])


class FetchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(
        min_length=1,
        max_length=2048,
        # No `examples`: schema fuzzers send them, and a test must never reach the internet.
        description="An http or https URL of the image on the public internet, such as "
        "https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg",
    )
    presets: list[str] = Field(
        default_factory=list, max_length=20, description="Presets to make eagerly, by name"
    )


@router.post(
    "/fetch",
    operation_id="fetchImage",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an image from a URL (downloaded by the platform)",
    responses=error_responses(
        401,
        413,
        415,
        422,
        _422="Bad URL, a forbidden address, an unknown preset, or the source failed",
    ),
)
async def fetch_image(
    body: FetchRequest,
    response: Response,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    limits: LimitsDep,
    pixels: PixelsDep,
    settings: SettingsDep,
) -> ImagePublic:
    eager = eager_variants(body.presets, settings.topic_transform_requested)  # before fetching
    fetch_limits = FetchLimits(
        max_bytes=limits.max_bytes,
        timeout_seconds=settings.fetch_timeout_seconds,
        max_redirects=settings.fetch_max_redirects,
    )
    policy = AddressPolicy.allowing(
        settings.fetch_allowed_networks, settings.fetch_public_addresses
    )
    async with outbound_client(settings.fetch_timeout_seconds) as client:
        downloaded = await download(client, body.url, policy, system_resolver, fetch_limits)
    try:
        registered = await run_in_threadpool(
            register_with_presets,
            uow,
            storage,
            owner,
            downloaded.file,
            downloaded.filename,
            limits,
            pixels,
            eager,
        )
    finally:
        downloaded.file.close()
    response.headers["Location"] = f"/images/{registered.image.id}"
    return ImagePublic.of(*registered, with_gps=True)  # the owner's own upload
