"""Jobs run beside a service (images' retention sweep and deletion queue, auth's revocation
sync), in a thread, on the messaging core's one backoff."""

import asyncio
import logging
from collections.abc import Callable

from platform_common.messaging.backoff import Backoff, retry_forever

log = logging.getLogger(__name__)


async def run_periodically(name: str, interval_seconds: float, job: Callable[[], object]) -> None:
    """Run `job` in a thread now and then every interval; a failed run is logged, not fatal.
    A job with something to report returns it (logged); one that returns None stays quiet."""
    while True:
        try:
            result = await asyncio.to_thread(job)
            if result is not None:
                log.info("%s done: %s", name, result)
        except Exception:
            log.exception("%s failed; will retry at the next interval", name)
        await asyncio.sleep(interval_seconds)


async def drain_with_backoff(
    name: str, job: Callable[[], int], idle_seconds: float, max_backoff_seconds: float
) -> None:
    """Run `job` (returns how much it did) again at once while it finds work, every
    `idle_seconds` when it finds none, and with the shared backoff while it fails, so an outage
    is retried soon after it ends without hammering during it."""

    async def drain() -> None:
        while True:
            done = await asyncio.to_thread(job)
            if done:
                log.info("%s: %s done", name, done)
            else:
                await asyncio.sleep(idle_seconds)

    await retry_forever(name, drain, Backoff(max_seconds=max_backoff_seconds))
