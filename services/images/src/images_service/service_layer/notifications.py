"""Waiting for a transformation to finish, woken early by this process's event consumer.

The consumer that applies a status event may run in another replica, so waiters also re-read
the database at a short interval; the in-process signal only makes the common case prompt.
"""

import asyncio
import contextlib
import time
import uuid

from starlette.concurrency import run_in_threadpool

from images_service.domain.transformation import Transformation
from images_service.service_layer.transformations import get_transformation
from images_service.service_layer.unit_of_work import ImagesUnitOfWork

RECHECK_SECONDS = 0.5


class StatusSignals:
    """A broadcast 'some status changed': every waiter wakes and re-reads its own row."""

    def __init__(self) -> None:
        self._changed = asyncio.Event()

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, at_most_seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), at_most_seconds)


async def wait_until_finished(
    uow: ImagesUnitOfWork,
    signals: StatusSignals,
    transformation: Transformation,
    owner_id: uuid.UUID,
    wait_seconds: float,
) -> Transformation:
    """The transformation once succeeded/failed, or its latest state after `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    while not transformation.is_finished:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        await signals.wait(min(remaining, RECHECK_SECONDS))
        transformation = await run_in_threadpool(
            get_transformation, uow, owner_id, transformation.image_id, transformation.id
        )
    return transformation


class SignalledNotifications:
    """`wait(transformation_id, timeout) -> bool` on this process's status signals plus a short
    database re-read (for a status recorded by another process). The interface of
    adapters/variant_notifications (PostgreSQL LISTEN/NOTIFY), which replaces it."""

    def __init__(self, uow: ImagesUnitOfWork, signals: StatusSignals) -> None:
        self.uow = uow
        self.signals = signals

    def _finished(self, transformation_id: uuid.UUID) -> bool:
        with self.uow:
            found = self.uow.transformations.get(transformation_id)
            return found is not None and found.is_finished

    async def wait(self, transformation_id: uuid.UUID, timeout: float) -> bool:  # noqa: ASYNC109 (the agreed interface)
        deadline = time.monotonic() + timeout
        while not await run_in_threadpool(self._finished, transformation_id):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.signals.wait(min(remaining, RECHECK_SECONDS))
        return True
