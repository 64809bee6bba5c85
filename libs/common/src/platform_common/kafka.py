"""Small aiokafka helpers shared by the services: producing envelopes with trace headers."""

from aiokafka import AIOKafkaProducer

from platform_common.events import Envelope, Event
from platform_common.request_context import REQUEST_ID_HEADER


def trace_headers(envelope: Envelope) -> list[tuple[str, bytes]]:
    request_id = envelope.trace.get("request_id")
    return [(REQUEST_ID_HEADER, request_id.encode())] if request_id else []


def make_producer(bootstrap_servers: str, **overrides: object) -> AIOKafkaProducer:
    # acks=all + idempotence: a message acknowledged to us is durably in the log exactly once.
    options: dict[str, object] = {
        "bootstrap_servers": bootstrap_servers,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "request_timeout_ms": 15000,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


async def publish(
    producer: AIOKafkaProducer, topic: str, key: str, event: Event | Envelope
) -> None:
    envelope = event if isinstance(event, Envelope) else Envelope.wrap(event)
    await producer.send_and_wait(
        topic, envelope.to_bytes(), key=key.encode(), headers=trace_headers(envelope)
    )
