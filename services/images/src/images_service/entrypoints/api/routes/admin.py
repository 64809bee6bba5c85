"""Administration: every user's images and the bucket's objects."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from images_service.entrypoints.api.deps import CurrentAdmin, StorageDep, UowDep
from images_service.entrypoints.api.routes.images import MAX_PAGE, MAX_PAGE_SIZE, image_page
from images_service.entrypoints.api.schemas import (
    ImagePage,
    StoredObjectPage,
    StoredObjectPublic,
)

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/images", summary="Everyone's images, newest first (admin)")
def list_all_images(
    _admin: CurrentAdmin,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, description=f"capped at {MAX_PAGE_SIZE}")] = 10,
) -> ImagePage:
    return image_page(uow, None, page, limit)


@router.get("/storage/objects", summary="Objects in the bucket, a page at a time (admin)")
async def list_storage_objects(
    _admin: CurrentAdmin,
    storage: StorageDep,
    prefix: Annotated[str, Query(max_length=512)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
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
