"""The typed Kafka subscriber every hand-written consumer of the platform is a use of.

- **Consumer group** (`group_id` set): partitions are shared between the group's replicas; at
  least once, offsets committed by hand only after the batch was handled, so a crash redelivers
  (handlers dedupe).
- **Fan-out** (`group_id=None`): every replica reads every partition from the latest offset (live
  feeds: a reconnecting client gets a snapshot instead); nothing is committed.

Each fetched batch is handled by one task per partition (order kept within a partition, no
partition waits for another's slow handler). A message that is not a valid envelope is reported
and skipped: one bad message must not block a partition. An outage of the broker or of what the
handler needs pauses the subscriber with the shared backoff instead of ending it.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from prometheus_client import Gauge
from pydantic import ValidationError

from platform_common.events import Envelope
from platform_common.messaging.backoff import retry_forever
from platform_common.messaging.topics import ensure_topics
from platform_common.request_context import set_request_id
from platform_common.tracing import consumer_span

log = logging.getLogger(__name__)

CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages not yet consumed (high watermark - next offset), by group, topic and partition",
    ["group", "topic", "partition"],
)

EnvelopeHandler = Callable[[Envelope], Awaitable[None]]

# How long the broker holds a fetch that finds nothing new. aiokafka leaves out of its next fetch
# a partition whose fetched records have waited over 0.1 s to be taken (a slow batch, a busy
# loop); once they are taken, that partition's next message waits for the fetch in flight to end:
# with the default 500 ms such a message arrived ~455 ms after it was sent (a probe on the
# devstack's Kafka), at 100 ms ~55 ms. The price: an idle consumer sends an empty fetch every 0.1 s.
FETCH_MAX_WAIT_MS = 100


def record_lag(group: str, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
    """After handling `offset` of `tp`: how many messages still wait behind it."""
    highwater = consumer.highwater(tp)
    if highwater is not None:
        lag = max(0, highwater - offset - 1)
        CONSUMER_LAG.labels(group, tp.topic, str(tp.partition)).set(lag)


@dataclass(frozen=True)
class Subscription:
    name: str  # the consumer group when grouped; the lag metric's group label either way
    topics: Sequence[str]
    handle: EnvelopeHandler
    group_id: str | None = None  # None: fan-out
    on_undecodable: Callable[[ConsumerRecord], None] | None = None
    on_assigned: Callable[[int], None] | None = None  # how many partitions are now read
    create_topics: Sequence[str] = ()  # created when missing, before subscribing
    topic_partitions: int = 3
    max_records: int = 100
    span_name: str | None = None  # the consumer span's name; "<topic> process" by default


class Subscriber:
    def __init__(self, bootstrap_servers: str, subscription: Subscription) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.subscription = subscription

    async def run(self) -> None:
        await retry_forever(f"subscriber {self.subscription.name}", self._session)

    def _consumer(self) -> AIOKafkaConsumer:
        grouped = self.subscription.group_id is not None
        return AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.subscription.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if grouped else "latest",
            metadata_max_age_ms=30_000,  # notice a topic created after we started
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        )

    async def _session(self) -> None:
        sub = self.subscription
        consumer = self._consumer()
        try:
            if sub.create_topics:
                await ensure_topics(self.bootstrap_servers, sub.create_topics, sub.topic_partitions)
            await consumer.start()
            # Subscribing without a group makes aiokafka assign every partition and notice new ones.
            consumer.subscribe(list(sub.topics))
            if sub.group_id is None:
                await self._wait_until_positioned(consumer)
            while True:
                batches = await consumer.getmany(timeout_ms=1000, max_records=sub.max_records)
                if not batches:
                    continue
                await asyncio.gather(
                    *(self._handle_partition(consumer, tp, rs) for tp, rs in batches.items())
                )
                if sub.group_id is not None:
                    await consumer.commit()
        finally:
            if sub.on_assigned is not None:
                sub.on_assigned(0)
            await consumer.stop()

    async def _wait_until_positioned(self, consumer: AIOKafkaConsumer) -> None:
        # aiokafka assigns once it has the topic's metadata, and offers no event to wait on.
        while not consumer.assignment():  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        # Resolving the positions now means every event published from here on is seen.
        for partition in consumer.assignment():
            await consumer.position(partition)
        if self.subscription.on_assigned is not None:
            self.subscription.on_assigned(len(consumer.assignment()))

    async def _handle_partition(
        self, consumer: AIOKafkaConsumer, tp: TopicPartition, records: list[ConsumerRecord]
    ) -> None:
        for record in records:
            await self._handle(record)
        record_lag(self.subscription.name, consumer, tp, records[-1].offset)

    async def _handle(self, record: ConsumerRecord) -> None:
        sub = self.subscription
        try:
            envelope = Envelope.from_bytes(record.value)
            envelope.event()  # an unknown type raises here, before any work
        except (ValidationError, KeyError, ValueError, TypeError) as exc:
            log.warning(
                "skipping undecodable message at %s:%s: %s", record.topic, record.offset, exc
            )
            if sub.on_undecodable is not None:
                sub.on_undecodable(record)
            return
        set_request_id(envelope.trace.get("request_id"))
        attributes = {"event.type": envelope.type}
        if sub.group_id is not None:
            attributes["messaging.kafka.consumer.group"] = sub.group_id
        try:
            span = sub.span_name or f"{record.topic} process"
            with consumer_span(span, record.headers, envelope.trace, attributes):
                await sub.handle(envelope)
        finally:
            set_request_id(None)
