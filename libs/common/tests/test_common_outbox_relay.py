"""The outbox relay never loses a wake-up: a row committed while a batch is being published is
published right after it, not at the next poll (#13: such rows waited the whole poll interval).

The poll interval here is an hour, so only a kept wake-up can publish the second row; the test
drives the order of events with a publisher that blocks until told to go on.
"""

import asyncio

from platform_common.messaging.outbox import OutboxMessage, SendAll
from platform_common.messaging.relay import OutboxRelay

AN_HOUR = 3600.0
GUARD_SECONDS = 30.0  # only bounds a broken relay's hang; never reached by a working one


class FakeOutbox:
    def __init__(self) -> None:
        self.unsent: list[OutboxMessage] = []
        self.found_nothing = asyncio.Event()

    def commit(self, message: OutboxMessage) -> None:
        self.unsent.append(message)

    async def publish_pending(self, send_all: SendAll, limit: int) -> int:
        batch, self.unsent = self.unsent[:limit], self.unsent[limit:]
        if batch:
            await send_all(batch)
        else:
            self.found_nothing.set()
        return len(batch)

    def measure_backlog(self) -> None:
        pass


class BlockingPublisher:
    """Holds the first batch until `release` is set; records what it sent."""

    def __init__(self) -> None:
        self.sending = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[OutboxMessage] = []
        self.sent_more = asyncio.Event()

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def send_all(self, messages: list[OutboxMessage]) -> None:
        if not self.sent:
            self.sending.set()
            await self.release.wait()
        self.sent.extend(messages)
        self.sent_more.set()


async def test_a_commit_during_a_publish_is_published_without_waiting_for_the_poll() -> None:
    outbox, publisher = FakeOutbox(), BlockingPublisher()
    relay = OutboxRelay(outbox, lambda: publisher, poll_interval=AN_HOUR)
    outbox.commit(("topic", "a", b"first"))
    running = asyncio.create_task(relay.run())
    try:
        await asyncio.wait_for(publisher.sending.wait(), GUARD_SECONDS)
        # A second request commits (and wakes the relay, as every unit of work does) while the
        # first batch is still being published.
        outbox.commit(("topic", "b", b"second"))
        relay.wake()
        publisher.release.set()

        async def second_published() -> None:
            while len(publisher.sent) < 2:
                publisher.sent_more.clear()
                await publisher.sent_more.wait()

        await asyncio.wait_for(second_published(), GUARD_SECONDS)
        assert [payload for _t, _k, payload in publisher.sent] == [b"first", b"second"]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


async def test_a_wake_from_another_thread_is_heard() -> None:
    outbox, publisher = FakeOutbox(), BlockingPublisher()
    publisher.release.set()
    relay = OutboxRelay(outbox, lambda: publisher, poll_interval=AN_HOUR)
    running = asyncio.create_task(relay.run())
    try:
        # The relay found nothing and now waits (an hour) for a wake-up.
        await asyncio.wait_for(outbox.found_nothing.wait(), GUARD_SECONDS)
        outbox.commit(("topic", "a", b"from a worker thread"))
        await asyncio.to_thread(relay.wake)  # units of work commit in the thread pool
        await asyncio.wait_for(publisher.sent_more.wait(), GUARD_SECONDS)
        assert [payload for _t, _k, payload in publisher.sent] == [b"from a worker thread"]
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)


class NeverStoppingPublisher(BlockingPublisher):
    """A producer whose flush never finishes, as aiokafka's can (aio-libs/aiokafka#1101)."""

    def __init__(self) -> None:
        super().__init__()
        self.stopping = asyncio.Event()

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.Event().wait()


async def test_a_relay_whose_producer_never_flushes_still_shuts_down() -> None:
    outbox, publisher = FakeOutbox(), NeverStoppingPublisher()
    publisher.release.set()
    relay = OutboxRelay(outbox, lambda: publisher, poll_interval=AN_HOUR, stop_timeout=0.05)
    running = asyncio.create_task(relay.run())
    await asyncio.wait_for(outbox.found_nothing.wait(), GUARD_SECONDS)

    running.cancel()
    # A service's shutdown (and a test client's exit) waits for this: it must end, not hang.
    await asyncio.wait_for(asyncio.gather(running, return_exceptions=True), GUARD_SECONDS)

    assert publisher.stopping.is_set()  # the flush was attempted before it was abandoned
    assert running.cancelled()
