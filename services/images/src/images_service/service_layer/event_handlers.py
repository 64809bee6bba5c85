"""Reacting to other services' events (delivered at least once, so every handler is idempotent)."""

import logging

from images_service.adapters.object_storage import ObjectStorage
from images_service.domain.transformation import Transformation, VariantResult
from images_service.service_layer.deletion import delete_owner_data
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.events import (
    Envelope,
    Event,
    TransformFailed,
    TransformStarted,
    TransformSucceeded,
    UserDeleted,
)

log = logging.getLogger(__name__)


def _apply(transformation: Transformation, event: Event) -> bool:
    now = utcnow()
    match event:
        case TransformStarted():
            return transformation.mark_processing(event.attempt, now)
        case TransformSucceeded():
            result = VariantResult(event.format, event.width, event.height, event.bytes)
            return transformation.mark_succeeded(result, now)
        case TransformFailed():
            return transformation.mark_failed(event.error_code, event.message, now)
    return False


def record_transform_event(uow: ImagesUnitOfWork, envelope: Envelope) -> bool:
    """Apply a status event once (deduped by envelope id); True when the status changed."""
    event = envelope.event()
    if not isinstance(event, TransformStarted | TransformSucceeded | TransformFailed):
        return False
    with uow:
        if not uow.processed_events.claim(envelope.id):
            return False  # a redelivery: already applied
        transformation = uow.transformations.get(event.transformation_id, for_update=True)
        changed = transformation is not None and _apply(transformation, event)
        if changed and transformation is not None and transformation.is_finished:
            uow.notify_finished(transformation.id)
            # An on-the-fly request still deferred in the outbox has been answered: drop it.
            uow.withdraw_requests(transformation.id)
        uow.commit()
    if changed and transformation is not None:
        log.info("transformation %s is %s", event.transformation_id, transformation.status)
    return changed


def record_user_event(uow: ImagesUnitOfWork, storage: ObjectStorage, envelope: Envelope) -> None:
    event = envelope.event()
    if isinstance(event, UserDeleted):
        # Deleting is idempotent, so a redelivered UserDeleted just finds nothing left.
        deleted = delete_owner_data(uow, storage, event.user_id)
        log.info("deleted %d images of removed user %s", deleted, event.user_id)
