"""Publishes status events and dead letters through the Faust app's producer (acks=all)."""

from typing import Any

from platform_common.events import Envelope
from platform_common.messaging.publisher import trace_headers
from transformer_service.metrics import DEAD_LETTERS


class FaustPublisher:
    def __init__(self, app: Any, events_topic: str, dlq_topic: str) -> None:
        self.app = app
        self.events_topic = events_topic
        self.dlq_topic = dlq_topic

    async def _send(self, topic: str, key: str, envelope: Envelope) -> None:
        # Waiting for the broker's ack before the request is acknowledged is what makes delivery
        # at-least-once: a crash before this point redelivers the request.
        await self.app.producer.send_and_wait(
            topic, key.encode(), envelope.to_bytes(), None, None, trace_headers(envelope)
        )

    async def status(self, key: str, envelope: Envelope) -> None:
        await self._send(self.events_topic, key, envelope)

    async def dead_letter(self, key: str, envelope: Envelope) -> None:
        await self._send(self.dlq_topic, key, envelope)
        DEAD_LETTERS.labels(str(envelope.data.get("error_code", "unknown"))).inc()
