"""Use cases around originals: register an upload, list, look up, delete."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

from images_service.adapters.object_storage import ObjectStorage
from images_service.domain.errors import ImageNotFound
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation
from images_service.service_layer.inspection import InspectedImage, UploadLimits, inspect_image
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


def utcnow() -> datetime:
    return datetime.now(UTC)


def clean_filename(filename: str | None) -> str | None:
    """Only the last path segment, bounded: the name is shown back, never used as a path."""
    if not filename:
        return None
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip()
    return name[:255] or None


def new_image(
    image_id: uuid.UUID,
    owner_id: uuid.UUID,
    key: str,
    filename: str | None,
    inspected: InspectedImage,
) -> Image:
    return Image(
        id=image_id,
        owner_id=owner_id,
        original_filename=clean_filename(filename),
        content_type=inspected.media_type,
        format=inspected.format,
        size_bytes=inspected.size_bytes,
        width=inspected.width,
        height=inspected.height,
        checksum_sha256=inspected.checksum_sha256,
        s3_key=key,
        created_at=utcnow(),
    )


def register_image(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    file: BinaryIO,
    filename: str | None,
    limits: UploadLimits,
) -> Image:
    """Check the bytes, store them, record them; the object is removed if the record fails."""
    inspected = inspect_image(file, limits)
    image_id = uuid.uuid4()
    key = Image.original_key(owner_id, image_id)
    storage.put(key, file, inspected.media_type, {"sha256": inspected.checksum_sha256})
    try:
        with uow:
            uow.ensure_owner_exists(owner_id)
            image = new_image(image_id, owner_id, key, filename, inspected)
            uow.images.add(image)
            uow.commit()
    except BaseException:
        storage.delete([key])
        raise
    return image


def list_images(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID | None, page: int, limit: int
) -> tuple[Sequence[Image], int]:
    with uow:
        return uow.images.page(owner_id, (page - 1) * limit, limit)


def get_owned_image(uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID) -> Image:
    with uow:
        image = uow.images.get_owned(image_id, owner_id)
        if image is None:
            raise ImageNotFound()
        return image


def get_image(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID
) -> tuple[Image, Sequence[Transformation]]:
    with uow:
        image = uow.images.get_owned(image_id, owner_id)
        if image is None:
            raise ImageNotFound()
        return image, uow.transformations.of_image(image.id)
