"""Deleting images with their S3 objects, resumably.

Three steps: mark the rows `deleting` (they vanish from the API at once), delete the objects, then
delete the rows (the database cascades to transformations). A crash between steps leaves rows
marked `deleting`, and so does an S3 outage: those rows are the durable deletion queue, which a
background loop (entrypoints/lifespan.py) drains as soon as S3 answers again. Variant keys are
content addresses, so two images with identical bytes share variants: a key still used by
another image is kept.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from images_service.adapters.object_storage import STORAGE_ERRORS, ObjectStorage
from images_service.domain.errors import ImageNotFound
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.events import ImageDeleted, utcnow


def _objects_of(uow: ImagesUnitOfWork, image_ids: Sequence[uuid.UUID]) -> list[str]:
    with uow:
        keys: list[str] = []
        variant_keys: list[str] = []
        for image_id in image_ids:
            image = uow.images.get(image_id)
            if image is not None:
                keys.append(image.s3_key)
            variant_keys += [t.variant_key for t in uow.transformations.of_image(image_id)]
        shared = uow.transformations.keys_still_used(variant_keys, image_ids)
        return keys + [key for key in variant_keys if key not in shared]


def purge_images(
    uow: ImagesUnitOfWork, storage: ObjectStorage, image_ids: Sequence[uuid.UUID]
) -> None:
    """Objects first, rows last: rows never point at deleted objects for longer than this call."""
    if not image_ids:
        return
    with uow:
        for image_id in image_ids:
            image = uow.images.get(image_id, for_update=True)
            if image is not None:
                image.mark_deleting()
        uow.commit()
    storage.delete(_objects_of(uow, image_ids))
    with uow:
        for image_id in image_ids:
            image = uow.images.get(image_id)
            if image is not None:
                uow.images.delete(image)
        uow.commit()


def delete_image(
    uow: ImagesUnitOfWork,
    storage: ObjectStorage,
    owner_id: uuid.UUID,
    image_id: uuid.UUID,
    events_topic: str,
) -> bool:
    """The owner's delete: hidden and announced (ImageDeleted, via the outbox) in one
    transaction, then purged. True when everything is gone; False when S3 failed after that
    commit: the deletion queue finishes it when S3 is back."""
    with uow:
        # Locked, so of two concurrent deletes only one announces it; the other finds it gone.
        image = uow.images.get(image_id, for_update=True)
        if image is None or image.owner_id != owner_id or not image.is_available:
            raise ImageNotFound()
        image.mark_deleting()
        event = ImageDeleted(image_id=image_id, owner_id=owner_id, deleted_at=datetime.now(UTC))
        uow.publish(events_topic, str(image_id), event)
        uow.commit()
    try:
        purge_images(uow, storage, [image_id])
    except STORAGE_ERRORS:
        return False  # hidden and announced: the deletion queue finishes it
    return True


def delete_owner_data(uow: ImagesUnitOfWork, storage: ObjectStorage, owner_id: uuid.UUID) -> int:
    """Everything a deleted user had: images, variants, direct uploads, signing keys, presets.
    Returns the number of images deleted. The owner is buried first, in the same transaction
    that lists what to delete: a creation racing with this one either committed before (and is
    listed) or is refused (owners.py)."""
    with uow:
        uow.owners.bury(owner_id, utcnow())
        image_ids = [image.id for image in uow.images.of_owner(owner_id)]
        for upload in uow.uploads.of_owner(owner_id):
            uow.uploads.delete(upload)
        # The account's delivery URLs stop verifying (within the gateway's key cache TTL).
        uow.signing_keys.delete_of_owner(owner_id)
        uow.presets.delete_of_owner(owner_id)
        uow.commit()
    purge_images(uow, storage, image_ids)
    # Whatever else sits under the user's prefix (unfinished direct uploads, a PUT that landed
    # after we listed) goes too.
    storage.delete_prefix(f"originals/{owner_id}/")
    storage.delete_prefix(f"uploads/{owner_id}/")
    return len(image_ids)


def finish_interrupted_deletions(
    uow: ImagesUnitOfWork, storage: ObjectStorage, batch: int = 100
) -> int:
    with uow:
        image_ids = [image.id for image in uow.images.deleting(batch)]
    purge_images(uow, storage, image_ids)
    return len(image_ids)
