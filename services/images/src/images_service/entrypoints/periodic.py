"""Periodic jobs run inside the app's lifespan (the retention sweep)."""

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


async def run_periodically(name: str, interval_seconds: float, job: Callable[[], object]) -> None:
    """Run `job` in a thread now and then every interval; a failed run is logged, not fatal."""
    while True:
        try:
            result = await asyncio.to_thread(job)
            log.info("%s done: %s", name, result)
        except Exception:
            log.exception("%s failed; will retry at the next interval", name)
        await asyncio.sleep(interval_seconds)
