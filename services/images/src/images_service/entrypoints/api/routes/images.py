"""Originals: upload, list, details, content (original or on the fly), delete."""

import math
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from images_service.entrypoints.api import onthefly
from images_service.entrypoints.api.content import serve_object
from images_service.entrypoints.api.deps import (
    CurrentOwner,
    LimitsDep,
    RelayDep,
    SettingsDep,
    SignalsDep,
    StorageDep,
    UowDep,
)
from images_service.entrypoints.api.schemas import ImagePage, ImagePublic
from images_service.entrypoints.api.upload_form import receive_file
from images_service.service_layer.deletion import delete_image
from images_service.service_layer.images import (
    get_image,
    get_owned_image,
    list_images,
    register_image,
)

router = APIRouter(prefix="/images", tags=["images"])

MAX_PAGE_SIZE = 100
# Far beyond any real listing; bounds the SQL offset (a fuzzer's page=10**22 is a 422, not a 500).
MAX_PAGE = 1_000_000

_MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an image (multipart field `file`)",
    openapi_extra=_MULTIPART_BODY,
    responses={413: {"description": "Too large"}, 415: {"description": "Not an accepted image"}},
)
async def upload_image(
    request: Request,
    response: Response,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    limits: LimitsDep,
) -> ImagePublic:
    upload = await receive_file(request, limits.max_bytes)
    try:
        image = await run_in_threadpool(
            register_image, uow, storage, owner, upload.file, upload.filename, limits
        )
    finally:
        await upload.close()
    response.headers["Location"] = f"/images/{image.id}"
    return ImagePublic.of(image, [])


@router.get("", summary="Your images, newest first")
def list_my_images(
    owner: CurrentOwner,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, description=f"capped at {MAX_PAGE_SIZE}")] = 10,
) -> ImagePage:
    return image_page(uow, owner, page, limit)


def image_page(uow: UowDep, owner: uuid.UUID | None, page: int, limit: int) -> ImagePage:
    limit = min(limit, MAX_PAGE_SIZE)
    images, total = list_images(uow, owner, page, limit)
    return ImagePage(
        items=[ImagePublic.of(image) for image in images],
        total=total,
        page=page,
        limit=limit,
        pages=math.ceil(total / limit),
    )


@router.get("/{image_id}", summary="An image's details, URL and transformations")
def image_details(image_id: uuid.UUID, owner: CurrentOwner, uow: UowDep) -> ImagePublic:
    image, transformations = get_image(uow, owner, image_id)
    return ImagePublic.of(image, transformations)


@router.get(
    "/{image_id}/content",
    summary="The original's bytes, or a variant when w/h/fit/format/q are given",
    response_class=Response,
    responses={
        200: {"content": {"image/*": {}}, "description": "The bytes"},
        202: {"description": "The variant is still being made; see Location"},
        304: {"description": "Not modified"},
    },
)
async def image_content(
    request: Request,
    image_id: uuid.UUID,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
    relay: RelayDep,
    signals: SignalsDep,
    params: Annotated[onthefly.OnTheFlyQuery, Query()],
) -> Response:
    spec = onthefly.spec_of(params)
    if spec is not None:
        context = onthefly.Context(uow, storage, settings, relay, signals)
        return await onthefly.serve_variant(request, context, owner, image_id, spec)
    image = await run_in_threadpool(get_owned_image, uow, owner, image_id)
    return await serve_object(
        request, storage, settings, key=image.s3_key, media_type=image.content_type, etag=image.etag
    )


@router.delete(
    "/{image_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an image and variants"
)
async def remove_image(
    image_id: uuid.UUID,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
    relay: RelayDep,
) -> None:
    await run_in_threadpool(
        delete_image, uow, storage, owner, image_id, settings.topic_image_events
    )
    relay.wake()  # on the event loop: the relay's wake-up event is not thread-safe
