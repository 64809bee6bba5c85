"""Small aiokafka helpers shared by the services: producing envelopes with trace headers."""

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import Gauge

from platform_common.events import Envelope, Event
from platform_common.request_context import REQUEST_ID_HEADER
from platform_common.tracing import inject


def trace_headers(envelope: Envelope) -> list[tuple[str, bytes]]:
    """X-Request-ID and W3C `traceparent`: the span publishing now, else the context stored in
    the envelope when it was written (an outbox row relayed later, outside any request)."""
    headers: list[tuple[str, bytes]] = []
    if request_id := envelope.trace.get("request_id"):
        headers.append((REQUEST_ID_HEADER, request_id.encode()))
    context = inject({}) or {k: v for k, v in envelope.trace.items() if k != "request_id"}
    headers.extend((name, value.encode()) for name, value in context.items())
    return headers


CONSUMER_LAG = Gauge(
    "kafka_consumer_lag",
    "Messages not yet consumed (high watermark - next offset), by group, topic and partition",
    ["group", "topic", "partition"],
)


def record_lag(group: str, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
    """After handling `offset` of `tp`: how many messages still wait behind it."""
    highwater = consumer.highwater(tp)
    if highwater is not None:
        lag = max(0, highwater - offset - 1)
        CONSUMER_LAG.labels(group, tp.topic, str(tp.partition)).set(lag)


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
