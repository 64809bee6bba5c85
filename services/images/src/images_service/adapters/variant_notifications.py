"""Cross-process wake-ups for on-the-fly waits: "this transformation reached a terminal state".

The worker records a terminal status and, in the same transaction, `notify`s its id; PostgreSQL
delivers that to every listening API replica when (and only if) the transaction commits. Each API
process holds ONE listening connection, opened at the first wait, whatever the number of
requests waiting; a waiter registers before it reads the status once, so a result committed in
between is never missed, and after any reconnection every waiter re-reads (nothing is heard
while the connection is down).
"""

import asyncio
import contextlib
import uuid
from collections import defaultdict

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from images_service.adapters.orm import transformations
from images_service.domain.transformation import TransformationStatus
from platform_common.messaging.pg_listener import PgListener

CHANNEL = "variant_finished"
TERMINAL = (TransformationStatus.SUCCEEDED, TransformationStatus.FAILED)


def notify(session: Session, transformation_id: uuid.UUID) -> None:
    """Worker side: in the transaction that records the terminal status; heard on its commit."""
    session.execute(
        text("SELECT pg_notify(:channel, :id)"), {"channel": CHANNEL, "id": str(transformation_id)}
    )


class VariantNotifications:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._waiters: defaultdict[uuid.UUID, set[asyncio.Event]] = defaultdict(set)
        self._listener = PgListener(engine, [CHANNEL], self._heard, self._recheck_all)
        self._listening: asyncio.Task[None] | None = None

    async def wait(self, transformation_id: uuid.UUID, timeout: float) -> bool:  # noqa: ASYNC109
        """True once the transformation is succeeded or failed, False after `timeout` seconds."""
        self._start_listening()
        woken = asyncio.Event()
        self._waiters[transformation_id].add(woken)
        try:
            async with asyncio.timeout(timeout):
                # Registered first, then read: a result committed meanwhile is seen either way.
                await self._listener.connected.wait()
                while not await asyncio.to_thread(self._is_finished, transformation_id):
                    await woken.wait()
                    woken.clear()
                return True
        except TimeoutError:
            return False
        finally:
            self._forget(transformation_id, woken)

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None

    def _start_listening(self) -> None:
        if self._listening is None or self._listening.done():
            self._listening = asyncio.create_task(self._listener.run(), name="variant-wakeups")

    def _is_finished(self, transformation_id: uuid.UUID) -> bool:
        with self.engine.connect() as connection:
            status = connection.execute(
                select(transformations.c.status).where(transformations.c.id == transformation_id)
            ).scalar_one_or_none()
        return status is None or status in TERMINAL  # a deleted one will never finish

    def _heard(self, _channel: str, payload: str) -> None:
        with contextlib.suppress(ValueError):
            for woken in self._waiters.get(uuid.UUID(payload), ()):
                woken.set()

    def _recheck_all(self) -> None:
        for waiting in self._waiters.values():
            for woken in waiting:
                woken.set()

    def _forget(self, transformation_id: uuid.UUID, woken: asyncio.Event) -> None:
        waiting = self._waiters.get(transformation_id)
        if waiting is not None:
            waiting.discard(woken)
            if not waiting:
                del self._waiters[transformation_id]
