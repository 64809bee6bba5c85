"""The one backoff of every long-running loop: relay, subscribers, periodic and draining jobs.

A loop is a *session* (connect, then work until something fails). `retry_forever` runs it again
after each failure with exponential backoff and jitter (tenacity), so an outage of Kafka, the
database or S3 pauses the loop instead of ending it, and is retried soon after it ends without
hammering the dependency during it. A session that was healthy for longer than the longest wait
starts over from the shortest one: a new outage is a new story.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, wait_exponential_jitter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    initial_seconds: float = 0.5
    max_seconds: float = 10.0


async def retry_forever(
    name: str, session: Callable[[], Awaitable[object]], backoff: Backoff = Backoff()
) -> None:
    """Run `session` until cancelled; it normally never returns (a return runs it again)."""
    attempt_started = time.monotonic()

    def started(_: RetryCallState) -> None:
        nonlocal attempt_started
        attempt_started = time.monotonic()

    def again(state: RetryCallState) -> bool:
        """A return runs the session again; so does a failure soon after it started (a
        cancellation, a BaseException, never does)."""
        if state.outcome is None or not state.outcome.failed:
            return True
        soon = time.monotonic() - attempt_started < backoff.max_seconds
        return isinstance(state.outcome.exception(), Exception) and soon

    def report(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        if failure is None:
            log.info("%s ended; starting again in %.1fs", name, wait)
        else:
            log.warning("%s paused: %s; retrying in %.1fs", name, failure, wait)

    while True:
        retrying = AsyncRetrying(
            retry=again,
            wait=wait_exponential_jitter(
                multiplier=backoff.initial_seconds,
                max=backoff.max_seconds,
                jitter=backoff.initial_seconds,
            ),
            before=started,
            before_sleep=report,
            reraise=True,
            sleep=asyncio.sleep,
        )
        try:
            await retrying(session)
        except Exception as exc:
            # A long healthy session failed: start again now, with the backoff reset.
            log.warning("%s interrupted: %s; restarting", name, exc)
