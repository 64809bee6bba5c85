"""The read path of an on-the-fly request whose variant already exists: one short read-only
transaction (the owner's image, then its variant by content address), no lock and no write
except the coarse retention touch (`Transformation.touch`: once an hour at most).

Anything else (no variant yet, pending, failed, or a spec that overlays other images, whose
ownership the full request checks) returns None: the caller takes the full on-the-fly path.
"""

import uuid

from images_service.domain.errors import ImageNotFound
from images_service.domain.transformation import Transformation
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.transform_spec import TransformSpec, variant_key


def _overlays_images(spec: TransformSpec) -> bool:
    return any(getattr(op, "image_id", None) is not None for op in spec.operations)


def stored_variant(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID, spec: TransformSpec
) -> Transformation | None:
    """The caller's finished variant of their image for `spec`, or None (see the module doc).
    Raises ImageNotFound for an image that is not the caller's, deleted or being deleted."""
    if _overlays_images(spec):
        return None
    with uow:
        image = uow.images.get_owned(image_id, owner_id)
        if image is None:
            raise ImageNotFound()
        key = variant_key(image.checksum_sha256, spec, image.format)
        transformation = uow.transformations.by_variant(image.id, key)
        if transformation is None or not transformation.is_ready:
            return None
        if transformation.touch(utcnow()):
            uow.commit()
        return transformation
