"""The typed Kafka subscriber every hand-written consumer of the platform is a use of.

- **Consumer group** (`group_id` set): partitions are shared between the group's replicas; at
  least once, by hand: only the offsets of handled records are committed, COMMIT_INTERVAL_SECONDS
  after the first one not yet committed, so a crash redelivers (handlers dedupe).
- **Fan-out** (`group_id=None`): every replica reads every partition from the latest offset (live
  feeds: a reconnecting client gets a snapshot instead); nothing is committed.

Each fetched batch is handled by one task per partition (order kept within a partition, no
partition waits for another's slow handler). A message that is not a valid envelope is reported
and skipped: one bad message must not block a partition. An outage of the broker or of what the
handler needs pauses the subscriber with the shared backoff instead of ending it.
"""

import asyncio
import contextlib
import logging
import time
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


# A grouped subscriber commits what it has handled this long after the first batch it has not
# committed yet, not after every batch: at the platform's pace a batch is one status event, and
# its commit was a broker round trip (and a write to the offsets topic) per event; a variant's
# Started and Succeeded now share one. A crash redelivers at most this much (handlers dedupe).
COMMIT_INTERVAL_SECONDS = 0.5
# Stopping, the last handled offsets are committed if the broker answers this soon.
FINAL_COMMIT_SECONDS = 2.0


class _Commits:
    """The offsets handled so far, by partition: only those are ever committed, so a batch that
    failed (or was cut short by a stop) part way is read again from its first unhandled record."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.handled: dict[TopicPartition, int] = {}
        self.pending_since: float | None = None

    def note_handled(self, tp: TopicPartition, offset: int) -> None:
        self.handled[tp] = offset + 1  # Kafka's committed offset is the next one to read
        if self.pending_since is None:
            self.pending_since = time.monotonic()

    def wait_ms(self) -> int:
        """How long the next fetch may wait: until the pending commit is due."""
        if self.pending_since is None:
            return 1000
        due = self.pending_since + COMMIT_INTERVAL_SECONDS - time.monotonic()
        return max(0, round(due * 1000))

    async def commit_if_due(self) -> None:
        if self.pending_since is not None and self.wait_ms() == 0:
            await self.commit()

    async def commit(self) -> None:
        assigned = self.consumer.assignment()  # a partition given away since is not ours to commit
        offsets = {tp: offset for tp, offset in self.handled.items() if tp in assigned}
        self.handled, self.pending_since = {}, None
        if offsets:
            await self.consumer.commit(offsets)

    async def commit_before_stopping(self) -> None:
        if self.pending_since is not None:
            with contextlib.suppress(Exception):  # not committed: redelivered, and deduped
                await asyncio.wait_for(self.commit(), FINAL_COMMIT_SECONDS)


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
        commits = _Commits(consumer) if sub.group_id is not None else None
        try:
            if sub.create_topics:
                await ensure_topics(self.bootstrap_servers, sub.create_topics, sub.topic_partitions)
            await consumer.start()
            # Subscribing without a group makes aiokafka assign every partition and notice new ones.
            consumer.subscribe(list(sub.topics))
            if sub.group_id is None:
                await self._wait_until_positioned(consumer)
            while True:
                wait_ms = commits.wait_ms() if commits is not None else 1000
                batches = await consumer.getmany(timeout_ms=wait_ms, max_records=sub.max_records)
                await asyncio.gather(
                    *(
                        self._handle_partition(consumer, tp, rs, commits)
                        for tp, rs in batches.items()
                    )
                )
                if commits is not None:
                    await commits.commit_if_due()
        finally:
            if commits is not None:
                await commits.commit_before_stopping()
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
        self,
        consumer: AIOKafkaConsumer,
        tp: TopicPartition,
        records: list[ConsumerRecord],
        commits: _Commits | None,
    ) -> None:
        for record in records:
            await self._handle(record)
            if commits is not None:
                commits.note_handled(tp, record.offset)
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
