"""Originals: upload, list, details, content (original or on the fly), delete."""

import math
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from images_service.entrypoints.api import onthefly
from images_service.entrypoints.api.content import serve_object
from images_service.entrypoints.api.deps import (
    CurrentOwner,
    LargeRequestsDep,
    LimitsDep,
    NotificationsDep,
    PixelsDep,
    SettingsDep,
    SignerDep,
    StorageDep,
    TransformerDep,
    UowDep,
    VariantBytesDep,
)
from images_service.entrypoints.api.schemas import (
    DeletionAccepted,
    DeliveryUrls,
    ImagePage,
    ImagePublic,
    TransformationPublic,
)
from images_service.entrypoints.api.upload_form import receive_file
from images_service.service_layer.deletion import delete_image
from images_service.service_layer.delivery_urls import preset_urls
from images_service.service_layer.images import get_image, get_owned_image, list_images
from images_service.service_layer.onthefly import OnTheFly, variant
from images_service.service_layer.presets import parse_preset_list
from images_service.service_layer.registration import eager_variants, register_with_presets
from platform_common.openapi import error_responses
from platform_common.transform_spec import MEDIA_TYPES

router = APIRouter(prefix="/images", tags=["images"])

MAX_PAGE_SIZE = 100
# `?signed_presets=thumb,large` adds signed public URLs for the original and those presets;
# `?signed_presets=` (empty) for the original only.
SignedPresets = Annotated[
    str | None,
    Query(
        max_length=1000,
        description="Add signed delivery URLs: the original and these comma-separated presets",
    ),
]
# Far beyond any real listing; bounds the SQL offset (a fuzzer's page=10**22 is a 422, not a 500).
MAX_PAGE = 1_000_000
ImageId = Annotated[uuid.UUID, Path(description="The image's id (a UUID)")]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number, 1-{MAX_PAGE}")]
PageSize = Annotated[
    int, Query(ge=1, description=f"Images per page, at least 1; capped at {MAX_PAGE_SIZE}")
]
# Binary answers, declared per media type so generated clients keep the bytes.
IMAGE_BYTES = {
    media_type: {"schema": {"type": "string", "format": "binary"}}
    for media_type in MEDIA_TYPES.values()
}

_MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The image: JPEG, PNG, WebP, AVIF, GIF or TIFF",
                        },
                        "presets": {
                            "type": "string",
                            "description": "Comma-separated presets to make at once",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    operation_id="uploadImage",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an image (multipart field `file`)",
    openapi_extra=_MULTIPART_BODY,
    responses=error_responses(401, 408, 413, 415, 422),
)
async def upload_image(
    request: Request,
    response: Response,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    limits: LimitsDep,
    pixels: PixelsDep,
    settings: SettingsDep,
    large_requests: LargeRequestsDep,
) -> ImagePublic:
    async with large_requests.one():
        upload = await receive_file(request, limits.max_bytes)
        try:
            eager = eager_variants(upload.presets, settings.topic_transform_requested)
            registered = await run_in_threadpool(
                register_with_presets,
                uow,
                storage,
                owner,
                upload.file.file,
                upload.file.filename,
                limits,
                pixels,
                eager,
            )
        finally:
            await upload.close()
    response.headers["Location"] = f"/images/{registered.image.id}"
    return ImagePublic.of(*registered, with_gps=True)  # the owner's own upload


@router.get(
    "",
    operation_id="listImages",
    summary="Your images, newest first",
    responses=error_responses(401),
)
def list_my_images(
    owner: CurrentOwner,
    uow: UowDep,
    signer: SignerDep,
    page: Page = 1,
    limit: PageSize = 10,
    signed_presets: SignedPresets = None,
) -> ImagePage:
    listing = image_page(uow, owner, page, limit)
    if signed_presets is not None:
        ids = [item.id for item in listing.items]
        urls = preset_urls(uow, signer, owner, ids, parse_preset_list(signed_presets))
        listing.items = [
            item.model_copy(update={"delivery": DeliveryUrls.model_validate(urls[item.id])})
            for item in listing.items
        ]
    return listing


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


@router.get(
    "/{image_id}",
    operation_id="getImage",
    summary="An image's details, URL and transformations",
    responses=error_responses(401, 404),
)
def image_details(
    image_id: ImageId,
    owner: CurrentOwner,
    uow: UowDep,
    signer: SignerDep,
    signed_presets: SignedPresets = None,
) -> ImagePublic:
    image, transformations = get_image(uow, owner, image_id)
    details = ImagePublic.of(image, transformations, with_gps=True)  # get_image: owner only
    if signed_presets is not None:
        urls = preset_urls(uow, signer, owner, [image.id], parse_preset_list(signed_presets))
        details.delivery = DeliveryUrls.model_validate(urls[image.id])
    return details


@router.get(
    "/{image_id}/content",
    operation_id="getImageContent",
    summary="The original's bytes, or a variant when w/h/fit/format/q are given",
    response_class=Response,
    responses={
        200: {"content": IMAGE_BYTES, "description": "The image's bytes"},
        202: {
            "model": TransformationPublic,
            "description": "The variant is still being made; poll the Location",
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
        **error_responses(
            401, 404, 422, _422="Invalid or unknown parameter, or the variant failed"
        ),
    },
)
async def image_content(
    request: Request,
    image_id: ImageId,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
    notifications: NotificationsDep,
    transformer: TransformerDep,
    variant_bytes: VariantBytesDep,
    params: Annotated[onthefly.OnTheFlyQuery, Query()],
) -> Response:
    spec = await onthefly.spec_of(params, uow, owner)
    if spec is not None:
        use = OnTheFly(
            uow,
            transformer,
            notifications,
            settings.topic_transform_requested,
            settings.onthefly_wait_seconds,
            settings.onthefly_request_grace_seconds,
        )
        outcome = await variant(use, owner, image_id, spec)
        return await onthefly.respond(request, outcome, storage, variant_bytes, settings)
    image = await run_in_threadpool(get_owned_image, uow, owner, image_id)
    return await serve_object(
        request, storage, settings, key=image.s3_key, media_type=image.content_type, etag=image.etag
    )


@router.delete(
    "/{image_id}",
    operation_id="deleteImage",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an image and variants",
    responses={
        202: {
            "model": DeletionAccepted,
            "description": "Hidden at once; storage is unavailable, so its files are removed "
            "as soon as it is back",
        },
        **error_responses(401, 404),
    },
)
async def remove_image(
    image_id: ImageId,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> Response:
    finished = await run_in_threadpool(
        delete_image, uow, storage, owner, image_id, settings.topic_image_events
    )
    if finished:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    accepted = DeletionAccepted(id=image_id, status="deleting")
    return JSONResponse(accepted.model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
