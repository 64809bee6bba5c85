"""The replica's one Kafka subscription to transformation events, feeding live-status connections.

Fan-out (no consumer group): every replica reads every partition (any replica can serve any
user) from the latest offset (live status is about now; reconnecting clients get a snapshot).
"""

from collections.abc import Callable

from aiokafka import ConsumerRecord
from pydantic import ValidationError

from gateway_service.adapters.metrics import EVENT_FEED_MESSAGES, EVENT_FEED_PARTITIONS
from gateway_service.domain.live import LiveMessage, live_message_from
from platform_common.events import Envelope
from platform_common.messaging.subscriber import Subscriber, Subscription

# No consumer group, but the lag metric is keyed by one: this names the live feed's.
LAG_GROUP = "gateway-live"


class TransformEventFeed:
    def __init__(
        self, bootstrap_servers: str, topic: str, deliver: Callable[[LiveMessage], None]
    ) -> None:
        self.deliver = deliver
        self.subscriber = Subscriber(
            bootstrap_servers,
            Subscription(
                name=LAG_GROUP,
                topics=[topic],
                handle=self._handle,
                on_undecodable=self._count_invalid,
                on_assigned=EVENT_FEED_PARTITIONS.set,
                span_name="live push",
            ),
        )

    async def run(self) -> None:
        """Consume until cancelled, reconnecting after any failure."""
        await self.subscriber.run()

    @staticmethod
    def _count_invalid(_record: ConsumerRecord | None) -> None:
        EVENT_FEED_MESSAGES.labels("invalid").inc()

    async def _handle(self, envelope: Envelope) -> None:
        try:
            message = live_message_from(envelope)
        except (ValidationError, ValueError, TypeError):
            self._count_invalid(None)
            return
        if message is None:
            EVENT_FEED_MESSAGES.labels("ignored").inc()
            return
        EVENT_FEED_MESSAGES.labels("delivered").inc()
        self.deliver(message)
