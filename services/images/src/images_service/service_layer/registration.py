"""What every way of adding an image ends with (upload, fetch from a URL, direct-upload
completion): the eager presets requested in the image's own transaction, and the image answered
with its transformations. The outbox relay is woken by that transaction's commit."""

import uuid
from collections.abc import Iterable, Sequence
from typing import BinaryIO, NamedTuple

from images_service.adapters.object_storage import ObjectStorage
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation
from images_service.service_layer.images import EagerVariants, register_image
from images_service.service_layer.insight import PixelReader
from images_service.service_layer.inspection import UploadLimits
from images_service.service_layer.presets import parse_preset_list
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


class RegisteredImage(NamedTuple):
    image: Image
    transformations: Sequence[Transformation]


def eager_variants(presets: str | Iterable[str] | None, topic: str) -> EagerVariants:
    """'thumb,large' or ["thumb", "large"] (names checked) -> the presets to request at once."""
    return EagerVariants(parse_preset_list(presets), topic)


def with_transformations(uow: ImagesUnitOfWork, image: Image) -> RegisteredImage:
    with uow:
        return RegisteredImage(image, uow.transformations.of_image(image.id))


def register_with_presets(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    file: BinaryIO,
    filename: str | None,
    limits: UploadLimits,
    pixels: PixelReader,
    eager: EagerVariants,
) -> RegisteredImage:
    image = register_image(uow, storage, owner_id, file, filename, limits, pixels, eager)
    return with_transformations(uow, image)
