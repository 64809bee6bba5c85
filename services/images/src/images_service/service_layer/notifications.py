"""Waiting for a transformation to finish, woken by whichever process records its result."""

import uuid
from typing import Protocol

from starlette.concurrency import run_in_threadpool

from images_service.domain.transformation import Transformation
from images_service.service_layer.transformations import get_transformation
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


class FinishedNotifications(Protocol):
    """adapters.variant_notifications.VariantNotifications, or a fake in unit tests."""

    async def wait(self, transformation_id: uuid.UUID, timeout: float) -> bool: ...  # noqa: ASYNC109


async def wait_until_finished(
    uow: ImagesUnitOfWork,
    notifications: FinishedNotifications,
    transformation: Transformation,
    owner_id: uuid.UUID,
    wait_seconds: float,
) -> Transformation:
    """The transformation once succeeded/failed, or its latest state after `wait_seconds`."""
    if transformation.is_finished:
        return transformation
    await notifications.wait(transformation.id, wait_seconds)
    return await run_in_threadpool(
        get_transformation, uow, owner_id, transformation.image_id, transformation.id
    )
