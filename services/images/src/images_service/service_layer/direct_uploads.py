"""Direct uploads: the client PUTs to a presigned S3 URL, then asks us to register the object.

The presigned URL names a STAGING key (uploads/{owner}/{upload id}) and stays valid until it
expires, so whatever sits there is the client's to change at any time. Completion therefore
downloads the staged object (bounded), inspects those bytes like a multipart upload, and writes
the very bytes it inspected (not a server-side copy of the staging key, which could have changed
in between) to the image's own key (originals/{owner}/{id}), which no client can write. The
staged object is then deleted; a later PUT to the staging key only creates an object nobody
reads, removed by the retention sweep once the upload expires. A rejected object is deleted at
once.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from images_service.adapters.object_storage import ObjectStorage, ObjectTooLarge
from images_service.adapters.spooling import spooled_file
from images_service.domain.errors import (
    ImageNotFound,
    ImagesError,
    InvalidRequest,
    UnsupportedImageType,
    UploadExpired,
    UploadNotFound,
    UploadNotReceived,
    UploadTooLarge,
)
from images_service.domain.formats import ACCEPTED_FORMATS, is_accepted_media_type
from images_service.domain.image import Image
from images_service.domain.upload import Upload
from images_service.service_layer.images import (
    EagerVariants,
    clean_filename,
    new_image,
    request_eager_variants,
    utcnow,
)
from images_service.service_layer.insight import PixelReader
from images_service.service_layer.inspection import (
    InspectedImage,
    UploadLimits,
    inspect_image,
)
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


@dataclass(frozen=True)
class UploadTicket:
    upload: Upload
    url: str
    headers: dict[str, str]


def start_direct_upload(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    filename: str | None,
    content_type: str,
    size_bytes: int,
    limits: UploadLimits,
    expires_in: int,
) -> UploadTicket:
    if not is_accepted_media_type(content_type):
        raise UnsupportedImageType(ACCEPTED_FORMATS)
    if size_bytes > limits.max_bytes:
        raise UploadTooLarge(limits.max_bytes)
    now = utcnow()
    upload_id = uuid.uuid4()
    upload = Upload(
        id=upload_id,
        owner_id=owner_id,
        s3_key=Upload.staging_key(owner_id, upload_id),
        filename=clean_filename(filename),
        content_type=content_type.split(";")[0].strip().lower(),
        size_bytes=size_bytes,
        expires_at=now + timedelta(seconds=expires_in),
        created_at=now,
    )
    url, headers = storage.presigned_put(upload.s3_key, upload.content_type, size_bytes, expires_in)
    with uow:
        uow.ensure_owner_exists(owner_id)
        uow.uploads.add(upload)
        uow.commit()
    return UploadTicket(upload, url, headers)


def complete_direct_upload(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    upload_id: uuid.UUID,
    limits: UploadLimits,
    pixels: PixelReader,
    eager: EagerVariants = EagerVariants(),
) -> tuple[Image, bool]:
    """Register the uploaded object (and request the eager presets' variants in the same
    transaction); returns (image, created). Completing twice is harmless."""
    with uow:
        # The owner's lock before the upload's row lock: the order deletion takes them in.
        uow.ensure_owner_exists(owner_id)
        upload = uow.uploads.get_owned(upload_id, owner_id)  # locked: one completion at a time
        if upload is None:
            raise UploadNotFound()
        if upload.is_completed:
            image = uow.images.get_owned(upload.id, owner_id)
            if image is None:
                raise ImageNotFound()
            return image, False
        if upload.is_expired(utcnow()):
            raise UploadExpired()
        stored = storage.head(upload.s3_key)
        if stored is None:
            raise UploadNotReceived()
        key = Image.original_key(owner_id, upload.id)
        with spooled_file() as spool:
            inspected = _inspect_stored(storage, upload, stored.size, limits, pixels, spool)
            storage.put(key, spool, inspected.media_type, {"sha256": inspected.checksum_sha256})
        try:
            image = new_image(upload.id, owner_id, key, upload.filename, inspected)
            uow.images.add(image)
            upload.complete(utcnow())
            request_eager_variants(uow, image, eager)
            uow.commit()
        except BaseException:
            storage.delete([key])
            raise
    storage.delete([upload.s3_key])  # the verified copy is the image now
    return image, True


def _inspect_stored(
    storage: ObjectStorage,
    upload: Upload,
    size: int,
    limits: UploadLimits,
    pixels: PixelReader,
    spool: BinaryIO,
) -> InspectedImage:
    """Download (bounded) into `spool` and inspect those bytes; a rejected object is deleted at
    once."""
    try:
        if size > limits.max_bytes:
            raise UploadTooLarge(limits.max_bytes)
        if size != upload.size_bytes:
            raise InvalidRequest(
                f"The uploaded object has {size} bytes, not the {upload.size_bytes} announced; "
                "start a new upload"
            )
        storage.download(upload.s3_key, spool, limits.max_bytes)
        return inspect_image(spool, limits, pixels)
    except ObjectTooLarge as exc:
        storage.delete([upload.s3_key])
        raise UploadTooLarge(limits.max_bytes) from exc
    except ImagesError:
        # Refused for what it is, not for an outage: the object must not stay in the bucket.
        storage.delete([upload.s3_key])
        raise


def purge_abandoned_uploads(
    uow: ImagesUnitOfWork, storage: ObjectStorage, now: datetime, grace: timedelta, batch: int = 200
) -> int:
    """Uploads expired long enough ago that no PUT can land any more, completed or not: their
    staging objects (if a PUT ever landed, or landed again after completion) and rows."""
    with uow:
        abandoned = list(uow.uploads.expired_before(now - grace, batch))
        storage.delete([upload.s3_key for upload in abandoned])
        for upload in abandoned:
            uow.uploads.delete(upload)
        uow.commit()
        return len(abandoned)
