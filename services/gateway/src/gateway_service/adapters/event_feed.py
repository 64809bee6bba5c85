"""The replica's one Kafka consumer of transformation events, feeding live-status connections.

No consumer group: every replica reads every partition (any replica can serve any user) and
starts at the end (live status is about now; reconnecting clients get a snapshot instead).
Subscribing without a group makes aiokafka assign all partitions itself and notice new ones.
"""

import asyncio
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from gateway_service.adapters.metrics import EVENT_FEED_MESSAGES, EVENT_FEED_PARTITIONS
from gateway_service.domain.live import LiveMessage, live_message_from
from platform_common.events import Envelope
from platform_common.kafka import record_lag
from platform_common.tracing import consumer_span

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
# No consumer group, but the lag metric is keyed by one: this names the live feed's.
LAG_GROUP = "gateway-live"


class TransformEventFeed:
    def __init__(
        self, bootstrap_servers: str, topic: str, deliver: Callable[[LiveMessage], None]
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.deliver = deliver

    async def run(self) -> None:
        """Consume until cancelled, reconnecting after any failure."""
        while True:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="latest",
                metadata_max_age_ms=30_000,  # notice a topic created after we started
            )
            try:
                await consumer.start()
                consumer.subscribe([self.topic])
                await self._wait_until_positioned(consumer)
                async for record in consumer:
                    self._handle(record)
                    partition = TopicPartition(record.topic, record.partition)
                    record_lag(LAG_GROUP, consumer, partition, record.offset)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("transform event feed failed; retrying", exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
            finally:
                EVENT_FEED_PARTITIONS.set(0)
                await consumer.stop()

    @staticmethod
    async def _wait_until_positioned(consumer: AIOKafkaConsumer) -> None:
        # aiokafka assigns once it has the topic's metadata, and offers no event to wait on.
        while not consumer.assignment():  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        # Resolving the positions now means every event published from here on is seen.
        for partition in consumer.assignment():
            await consumer.position(partition)
        EVENT_FEED_PARTITIONS.set(len(consumer.assignment()))

    def _handle(self, record: ConsumerRecord) -> None:
        try:
            envelope = Envelope.from_bytes(record.value)
            message = live_message_from(envelope)
        except (ValidationError, ValueError, TypeError):
            EVENT_FEED_MESSAGES.labels("invalid").inc()
            log.warning("skipping an unreadable event at offset %s", record.offset)
            return
        if message is None:
            EVENT_FEED_MESSAGES.labels("ignored").inc()
            return
        EVENT_FEED_MESSAGES.labels("delivered").inc()
        with consumer_span(
            "live push", record.headers, envelope.trace, {"event.type": message.type}
        ):
            self.deliver(message)
