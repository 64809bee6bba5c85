"""Reading a multipart upload as a stream, refusing an oversized body as soon as it is exceeded.

Starlette's multipart parser spools file parts to a temporary file (memory up to 1 MB, then
disk), so the body is never held in memory; wrapping the request stream in a byte counter makes
the 413 come as soon as the limit is passed, not after the whole body arrived.
"""

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from images_service.domain.errors import InvalidRequest, UploadTooLarge
from platform_common.errors import AppError

FILE_FIELD = "file"
PRESETS_FIELD = "presets"  # optional: comma-separated presets to make at once (eager variants)
# Boundaries, part headers and a few small fields around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


class MultipartRequired(AppError):
    status_code = 415
    code = "multipart_required"

    def __init__(self) -> None:
        super().__init__(f"Send multipart/form-data with the image in a field named '{FILE_FIELD}'")


async def _limited(
    stream: AsyncIterator[bytes], limit: int, file_limit: int
) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise UploadTooLarge(file_limit)
        yield chunk


@dataclass(frozen=True)
class ReceivedUpload:
    file: UploadFile
    presets: str | None

    async def close(self) -> None:
        await self.file.close()


async def receive_file(request: Request, max_bytes: int) -> ReceivedUpload:
    """The uploaded file part (spooled) and the `presets` field; the caller closes it."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise MultipartRequired()
    body_limit = max_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise UploadTooLarge(max_bytes)  # refused before reading a byte
    parser = MultiPartParser(
        request.headers,
        _limited(request.stream(), body_limit, max_bytes),
        max_files=1,
        max_fields=8,
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidRequest(f"The multipart body is malformed: {exc.message}") from exc
    upload = form.get(FILE_FIELD)
    if not isinstance(upload, UploadFile):
        await form.close()
        raise InvalidRequest(
            f"No file in the form: send the image in a multipart field named '{FILE_FIELD}'",
            details=[{"field": FILE_FIELD, "message": "Field required"}],
        )
    presets = form.get(PRESETS_FIELD)
    if presets is not None and not isinstance(presets, str):
        await form.close()
        raise InvalidRequest(
            f"'{PRESETS_FIELD}' is a text field: comma-separated preset names",
            details=[{"field": PRESETS_FIELD, "message": "must be text"}],
        )
    return ReceivedUpload(upload, presets)
