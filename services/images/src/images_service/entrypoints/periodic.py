"""Periodic jobs run inside the app's lifespan: the retention sweep (platform_common's loop) and
the deletion queue (drained with backoff while S3 fails)."""

import asyncio
import logging
from collections.abc import Callable

from platform_common.periodic import run_periodically

log = logging.getLogger(__name__)

__all__ = ["drain_with_backoff", "run_periodically"]


async def drain_with_backoff(
    name: str, job: Callable[[], int], idle_seconds: float, max_backoff_seconds: float
) -> None:
    """Run `job` (returns how much it did) again at once while it finds work, every
    `idle_seconds` when it finds none, and with a doubling delay (up to `max_backoff_seconds`)
    while it fails, so an outage is retried soon after it ends without hammering during it."""
    backoff = 0.0
    while True:
        try:
            done = await asyncio.to_thread(job)
        except Exception as exc:
            backoff = min(max_backoff_seconds, backoff * 2 or 0.5)
            log.warning("%s failed (%s); retrying in %.1f s", name, type(exc).__name__, backoff)
            await asyncio.sleep(backoff)
            continue
        backoff = 0.0
        if done:
            log.info("%s: %s done", name, done)
        else:
            await asyncio.sleep(idle_seconds)
