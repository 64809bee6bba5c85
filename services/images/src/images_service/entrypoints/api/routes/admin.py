"""Administration: every user's images and the bucket's objects."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from images_service.entrypoints.api.deps import CurrentAdmin, StorageDep, UowDep
from images_service.entrypoints.api.routes.images import Page, PageSize, image_page
from images_service.entrypoints.api.schemas import (
    ImagePage,
    StoredObjectPage,
    StoredObjectPublic,
)
from platform_common.openapi import error_responses

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get(
    "/images",
    operation_id="listAllImages",
    summary="Everyone's images, newest first (admin)",
    responses=error_responses(401, 403),
)
def list_all_images(
    _admin: CurrentAdmin, uow: UowDep, page: Page = 1, limit: PageSize = 10
) -> ImagePage:
    return image_page(uow, None, page, limit)


@router.get(
    "/storage/objects",
    operation_id="listStorageObjects",
    summary="Objects in the bucket, a page at a time (admin)",
    responses=error_responses(401, 403, 422, _422="Invalid parameter or cursor"),
)
async def list_storage_objects(
    _admin: CurrentAdmin,
    storage: StorageDep,
    prefix: Annotated[
        str, Query(max_length=512, description="Only keys starting with this, up to 512 characters")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=1000, description="Objects per page, 1-1000")] = 100,
    cursor: Annotated[
        str | None, Query(max_length=2048, description="`next_cursor` of the previous page")
    ] = None,
) -> StoredObjectPage:
    page = await run_in_threadpool(storage.list_page, prefix, limit, cursor)
    return StoredObjectPage(
        items=[
            StoredObjectPublic(
                key=obj.key, size=obj.size, last_modified=obj.last_modified, etag=obj.etag
            )
            for obj in page.objects
        ],
        next_cursor=page.next_cursor,
    )
