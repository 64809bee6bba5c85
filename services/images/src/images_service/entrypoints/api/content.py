"""Serving stored bytes: conditional requests, caching headers, streaming or redirect."""

from fastapi import Request, Response
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from images_service.adapters.object_storage import ObjectStorage
from images_service.adapters.variant_bytes import VariantBytes
from images_service.config import Settings
from images_service.domain.errors import ContentGone
from images_service.domain.transformation import Transformation
from platform_common.transform_spec import MEDIA_TYPES

# Content behind an id never changes, so clients may keep it for a year without asking again.
IMMUTABLE = "private, max-age=31536000, immutable"


def etag_matches(request: Request, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


async def serve_object(
    request: Request,
    storage: ObjectStorage,
    settings: Settings,
    *,
    key: str,
    media_type: str,
    etag: str,
    allow_redirect: bool = True,
) -> Response:
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    if settings.content_via_redirect and allow_redirect:
        url = await run_in_threadpool(
            storage.presigned_get, key, settings.presigned_get_expiry_seconds, media_type
        )
        # The redirect itself expires with the URL, so it must not be cached like the content.
        return RedirectResponse(
            url, status_code=307, headers={"Cache-Control": "private, no-store"}
        )
    opened = await run_in_threadpool(storage.open, key)
    if opened is None:
        # Storage answered, and the object is not there: waiting will not bring it back (an
        # outage is a storage_unavailable 503 instead), so say so rather than "try again".
        raise ContentGone()
    headers["Content-Length"] = str(opened.size)
    return StreamingResponse(opened.chunks(), media_type=media_type, headers=headers)


async def serve_variant(
    request: Request,
    storage: ObjectStorage,
    cache: VariantBytes,
    settings: Settings,
    transformation: Transformation,
) -> Response:
    """A finished variant: small ones whole from memory (read from storage once), others
    streamed. Only call this once the caller's ownership of the variant has been checked."""
    key, etag = transformation.variant_key, transformation.etag
    media_type = MEDIA_TYPES.get(transformation.result_format or "", "application/octet-stream")
    small = cache.fits(transformation.result_bytes)
    if not small or settings.content_via_redirect or etag_matches(request, etag):
        return await serve_object(
            request, storage, settings, key=key, media_type=media_type, etag=etag
        )
    data = cache.get(key)
    if data is None:
        data = await run_in_threadpool(storage.read, key)
        if data is None:
            raise ContentGone()
        cache.put(key, data)
    return Response(data, media_type=media_type, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
