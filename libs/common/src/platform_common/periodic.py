"""Periodic jobs run inside an app's lifespan (images' retention sweep, auth's revocation sync)."""

import asyncio
import logging
from collections.abc import Callable

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
