"""The outbox relay: publishes committed outbox rows, woken by each commit, polling as a net.

Several replicas may run it at once (the outbox claims rows with SKIP LOCKED).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from platform_common.messaging.backoff import retry_forever
from platform_common.messaging.outbox import OUTBOX_PUBLISHED, SendAll

log = logging.getLogger(__name__)
# The backlog is measured at most this often (one indexed query), not on every poll.
MEASURE_EVERY_SECONDS = 5.0
# How long a stopping relay waits for its producer to flush. aiokafka's stop() waits for every
# queued batch and can wait forever (aio-libs/aiokafka#1101); abandoning them loses nothing, since
# a row is marked sent only once Kafka acknowledged it: the next relay publishes it again.
STOP_TIMEOUT_SECONDS = 10.0


class Outbox(Protocol):
    async def publish_pending(self, send_all: SendAll, limit: int) -> int: ...

    def measure_backlog(self) -> None: ...


class Publisher(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send_all(self, messages: list[tuple[str, str, bytes]]) -> None: ...


class OutboxRelay:
    def __init__(
        self,
        outbox: Outbox,
        new_publisher: Callable[[], Publisher],
        *,
        batch_size: int = 200,
        poll_interval: float = 0.5,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
    ) -> None:
        self.outbox = outbox
        self.new_publisher = new_publisher
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.stop_timeout = stop_timeout
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Ask for a publish now rather than at the next poll; safe from any thread."""
        loop = self._loop
        if loop is None:
            return  # not running yet: its first pass publishes whatever is there
        try:
            if asyncio.get_running_loop() is loop:
                self._wake.set()
                return
        except RuntimeError:
            pass  # a worker thread (a commit in a thread pool)
        loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Loop until cancelled; survives Kafka and database outages (shared backoff)."""
        self._loop = asyncio.get_running_loop()
        await retry_forever("outbox relay", self._session)

    async def _session(self) -> None:
        with contextlib.suppress(Exception):  # Kafka may be down, not necessarily the database
            await asyncio.to_thread(self.outbox.measure_backlog)
        measured_at = time.monotonic()
        publisher = self.new_publisher()
        try:
            await publisher.start()
            while True:
                # Cleared BEFORE looking for rows: a commit from here on (even one landing while
                # this batch is being published) leaves the event set, so it is never lost.
                self._wake.clear()
                published = await self.outbox.publish_pending(publisher.send_all, self.batch_size)
                OUTBOX_PUBLISHED.inc(published)
                if time.monotonic() - measured_at >= MEASURE_EVERY_SECONDS:
                    await asyncio.to_thread(self.outbox.measure_backlog)
                    measured_at = time.monotonic()
                if published < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.poll_interval)
        finally:
            try:
                await asyncio.wait_for(publisher.stop(), self.stop_timeout)
            except TimeoutError:
                log.warning(
                    "outbox relay: the publisher did not stop within %.0f s; its unacknowledged "
                    "rows stay unsent in the outbox",
                    self.stop_timeout,
                )
