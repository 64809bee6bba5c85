"""Use cases around originals: register an upload, list, look up, delete."""

import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

from images_service.adapters.object_storage import ObjectStorage
from images_service.domain.errors import ImageNotFound, InvalidRequest
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation
from images_service.service_layer.insight import PixelReader
from images_service.service_layer.inspection import InspectedImage, UploadLimits, inspect_image
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.transform_spec import TransformSpec


def utcnow() -> datetime:
    return datetime.now(UTC)


def clean_filename(filename: str | None) -> str | None:
    """Only the last path segment, bounded: the name is shown back, never used as a path.
    A NUL or other control character is refused (422): it would cut or garble the name wherever
    it is stored or shown, and no real file name needs one."""
    if not filename:
        return None
    if any(unicodedata.category(char) == "Cc" for char in filename):
        raise InvalidRequest(
            "filename: contains a NUL or control character; rename the file without them",
            details=[{"field": "filename", "message": "control characters are not allowed"}],
        )
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
        insight=inspected.insight,
    )


@dataclass(frozen=True)
class EagerVariants:
    """Presets whose variants are requested in the same transaction as the image row."""

    presets: Sequence[str] = ()
    topic: str = ""


def request_eager_variants(uow: ImagesUnitOfWork, image: Image, eager: EagerVariants) -> bool:
    """Inside the registering unit of work; True when work was queued (wake the relay)."""
    # Imported here: transformations imports this module (utcnow), not the other way round.
    from images_service.service_layer.presets import preset_specs
    from images_service.service_layer.transformations import stage_transformation

    if not eager.presets:
        return False
    uow.session.flush()  # the image row first: transformations reference it
    queued = False
    for spec in preset_specs(uow, image.owner_id, eager.presets):
        _, new_work = stage_transformation(
            uow, image, TransformSpec.model_validate(spec), eager.topic
        )
        queued = queued or new_work
    return queued


def register_image(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    file: BinaryIO,
    filename: str | None,
    limits: UploadLimits,
    pixels: PixelReader,
    eager: EagerVariants = EagerVariants(),
) -> Image:
    """Check the bytes, store them, record them (and request the eager presets' variants in the
    same transaction); the object is removed if the record fails."""
    clean_filename(filename)  # a bad name is refused before anything is stored
    inspected = inspect_image(file, limits, pixels)
    image_id = uuid.uuid4()
    key = Image.original_key(owner_id, image_id)
    storage.put(key, file, inspected.media_type, {"sha256": inspected.checksum_sha256})
    try:
        with uow:
            uow.ensure_owner_exists(owner_id)
            image = new_image(image_id, owner_id, key, filename, inspected)
            uow.images.add(image)
            request_eager_variants(uow, image, eager)
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
