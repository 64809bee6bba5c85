"""A grouped subscriber on the real Kafka commits exactly what it handled: when a handler fails
part way through a batch, the records before the failure are not read again and the failed one
is (at least once, and no more redelivery than that). Commits are spaced out (#13), so this is
what keeps a failure, or a stop, from losing a record or repeating a whole batch."""

import asyncio
import uuid

from platform_common.events import Envelope, UserDeleted
from platform_common.messaging.publisher import make_producer, publish
from platform_common.messaging.subscriber import Subscriber, Subscription
from platform_common.messaging.topics import ensure_topics

GUARD_SECONDS = 60.0  # only bounds a broken subscriber's hang


async def test_a_failed_record_is_read_again_and_the_ones_handled_before_it_are_not(
    kafka_bootstrap: str,
) -> None:
    topic = f"commits-{uuid.uuid4().hex[:8]}"
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    events = [Envelope.wrap(UserDeleted(user_id=uuid.uuid4())) for _ in range(3)]
    producer = make_producer(kafka_bootstrap)
    await producer.start()
    try:
        for envelope in events:  # one partition, one batch: all three are fetched together
            await publish(producer, topic, "one-key", envelope)
    finally:
        await producer.stop()

    handled: list[uuid.UUID] = []
    failed_once: set[uuid.UUID] = set()
    all_handled = asyncio.Event()

    async def handle(envelope: Envelope) -> None:
        if envelope.id == events[1].id and envelope.id not in failed_once:
            failed_once.add(envelope.id)
            raise ConnectionError("the database is away for a moment")
        handled.append(envelope.id)
        if len(handled) >= len(events):
            all_handled.set()

    subscription = Subscription(name=topic, topics=[topic], handle=handle, group_id=topic)
    running = asyncio.create_task(Subscriber(kafka_bootstrap, subscription).run())
    try:
        await asyncio.wait_for(all_handled.wait(), GUARD_SECONDS)
        await asyncio.sleep(1.0)  # room for a wrong redelivery to show
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)

    assert failed_once == {events[1].id}
    assert handled == [e.id for e in events]
