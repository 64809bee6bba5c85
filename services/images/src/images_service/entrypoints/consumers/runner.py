"""A resilient Kafka consumer loop for envelopes: at-least-once, committed after handling.

Offsets are committed only after a batch was handled, so a crash redelivers; handlers dedupe.
A broker or database outage pauses the loop with backoff instead of ending it. A message that
is not a valid envelope is logged and skipped: one bad message must not block a partition.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from pydantic import ValidationError

from images_service.adapters.kafka_topics import ensure_topics
from platform_common.events import Envelope
from platform_common.kafka import record_lag
from platform_common.request_context import set_request_id
from platform_common.tracing import consumer_span

log = logging.getLogger(__name__)

EnvelopeHandler = Callable[[Envelope], object]
MAX_BACKOFF_SECONDS = 10.0


class EnvelopeConsumer:
    def __init__(
        self,
        *,
        topics: Sequence[str],
        group_id: str,
        bootstrap_servers: str,
        handle: EnvelopeHandler,
        after_batch: Callable[[], None] | None = None,
        topic_partitions: int = 3,
        also_create: Sequence[str] = (),
    ) -> None:
        self.topics = list(topics)
        self.group_id = group_id
        self.bootstrap_servers = bootstrap_servers
        self.handle = handle  # synchronous (database work): runs in a thread
        self.after_batch = after_batch
        self.topic_partitions = topic_partitions
        self.topics_to_create = [*self.topics, *also_create]

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=30000,
        )

    async def _handle(self, record: ConsumerRecord) -> None:
        try:
            envelope = Envelope.from_bytes(record.value)
            envelope.event()  # an unknown type raises here, before any work
        except (ValidationError, KeyError, ValueError) as exc:
            log.warning(
                "skipping undecodable message at %s:%s: %s", record.topic, record.offset, exc
            )
            return
        set_request_id(envelope.trace.get("request_id"))
        try:
            with consumer_span(
                f"{record.topic} process",
                record.headers,
                envelope.trace,
                {"messaging.kafka.consumer.group": self.group_id, "event.type": envelope.type},
            ):
                await asyncio.to_thread(self.handle, envelope)
        finally:
            set_request_id(None)

    async def run(self) -> None:
        backoff = 0.5
        while True:
            consumer = self._consumer()
            try:
                await ensure_topics(
                    self.bootstrap_servers, self.topics_to_create, self.topic_partitions
                )
                await consumer.start()
                backoff = 0.5
                while True:
                    batches = await consumer.getmany(timeout_ms=1000, max_records=100)
                    for partition, records in batches.items():
                        for record in records:
                            await self._handle(record)
                        record_lag(self.group_id, consumer, partition, records[-1].offset)
                    if batches:
                        await consumer.commit()
                        if self.after_batch:
                            self.after_batch()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "consumer %s paused: %s; retrying in %.1fs", self.group_id, exc, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            finally:
                await consumer.stop()
