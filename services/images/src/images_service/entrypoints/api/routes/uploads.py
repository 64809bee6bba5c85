"""Direct uploads: a presigned PUT straight to S3, then a completion that registers the image."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from images_service.entrypoints.api.deps import (
    CurrentOwner,
    LimitsDep,
    PixelsDep,
    SettingsDep,
    StorageDep,
    UowDep,
)
from images_service.entrypoints.api.schemas import (
    CompleteUploadRequest,
    DirectUploadRequest,
    DirectUploadTicket,
    ImagePublic,
)
from images_service.service_layer.direct_uploads import (
    complete_direct_upload,
    start_direct_upload,
)
from images_service.service_layer.registration import eager_variants, with_transformations
from platform_common.openapi import error_responses

router = APIRouter(prefix="/images/uploads", tags=["uploads"])


@router.post(
    "",
    operation_id="startUpload",
    status_code=status.HTTP_201_CREATED,
    summary="Start a direct upload: PUT the file to `upload_url` with `headers`, then complete",
    responses=error_responses(401, 413, 415, 422),
)
def start_upload(
    body: DirectUploadRequest,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    limits: LimitsDep,
    settings: SettingsDep,
) -> DirectUploadTicket:
    ticket = start_direct_upload(
        uow,
        storage,
        owner,
        body.filename,
        body.content_type,
        body.size_bytes,
        limits,
        settings.direct_upload_expiry_seconds,
    )
    return DirectUploadTicket(
        id=ticket.upload.id,
        upload_url=ticket.url,
        headers=ticket.headers,
        expires_at=ticket.upload.expires_at,
        max_bytes=limits.max_bytes,
        complete_url=f"/images/uploads/{ticket.upload.id}/complete",
    )


@router.post(
    "/{upload_id}/complete",
    operation_id="completeUpload",
    status_code=status.HTTP_201_CREATED,
    summary="Verify the uploaded object (type, size, pixels) and register it as an image",
    responses={
        200: {"model": ImagePublic, "description": "Already completed"},
        **error_responses(
            401,
            404,
            409,
            410,
            413,
            415,
            422,
            _409="Nothing was uploaded yet",
            _410="The ticket expired",
        ),
    },
)
def complete_upload(
    upload_id: Annotated[uuid.UUID, Path(description="The `id` of the upload ticket")],
    response: Response,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    limits: LimitsDep,
    pixels: PixelsDep,
    settings: SettingsDep,
    body: CompleteUploadRequest | None = None,
) -> ImagePublic:
    eager = eager_variants(body.presets if body else None, settings.topic_transform_requested)
    image, created = complete_direct_upload(uow, storage, owner, upload_id, limits, pixels, eager)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["Location"] = f"/images/{image.id}"
    return ImagePublic.of(*with_transformations(uow, image), with_gps=True)  # the owner's
