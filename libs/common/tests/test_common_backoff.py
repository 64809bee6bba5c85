"""The one backoff of the messaging loops: a failing session is run again, a cancellation ends
the loop (never swallowed), and a session that returns is simply started again."""

import asyncio

import pytest

from platform_common.messaging.backoff import Backoff, retry_forever

QUICK = Backoff(initial_seconds=0.001, max_seconds=0.01)


async def test_a_failing_session_is_run_again_until_it_holds() -> None:
    attempts = 0
    healthy = asyncio.Event()

    async def session() -> None:
        nonlocal attempts
        attempts += 1
        if attempts < 4:
            raise ConnectionError("broker away")
        healthy.set()
        await asyncio.Event().wait()  # then runs until cancelled

    loop = asyncio.create_task(retry_forever("test", session, QUICK))
    await asyncio.wait_for(healthy.wait(), 30)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    assert attempts == 4


async def test_cancelling_the_loop_ends_it_even_while_it_backs_off() -> None:
    started = asyncio.Event()

    async def session() -> None:
        started.set()
        raise ConnectionError("always down")

    loop = asyncio.create_task(retry_forever("test", session, Backoff(60.0, 60.0)))
    await asyncio.wait_for(started.wait(), 30)
    await asyncio.sleep(0)  # now sleeping a minute before the next attempt
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
