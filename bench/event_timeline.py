"""When each of a transformation's events reached Kafka: the producer's record timestamps.

The producers stamp each record with their wall clock (Kafka's CreateTime), and everything runs
on one machine, so the stamps and this process's `time.time()` share one clock: the async path
splits into its hops without instrumenting any service.
"""

import asyncio
import json
import threading
import time
from types import TracebackType

from aiokafka import AIOKafkaConsumer

POLL_MS = 50


class EventTimeline:
    """Reads the given topics from their end in a thread of its own, while open."""

    def __init__(self, bootstrap_servers: str, topics: tuple[str, ...]) -> None:
        self.bootstrap_servers, self.topics = bootstrap_servers, topics
        self._stamps: dict[tuple[str, str], float] = {}  # (transformation id, event type) -> s
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._read()), daemon=True)

    def __enter__(self) -> "EventTimeline":
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the event timeline could not reach Kafka")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(10)

    def stamp(self, transformation_id: str, event_type: str, timeout: float = 5.0) -> float:
        """When `event_type` of this transformation reached Kafka (epoch seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (transformation_id, event_type) not in self._stamps:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no {event_type} for {transformation_id} on Kafka")
                self._changed.wait(left)
            return self._stamps[(transformation_id, event_type)]

    async def _read(self) -> None:
        consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap_servers,
            group_id=None,
            auto_offset_reset="latest",
            fetch_max_wait_ms=POLL_MS,
        )
        await consumer.start()
        try:
            await consumer.getmany(timeout_ms=POLL_MS)  # partitions assigned, positions at the end
            self._ready.set()
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=POLL_MS)
                for records in batches.values():
                    for record in records:
                        self._note(record.value, record.timestamp / 1000)
        finally:
            await consumer.stop()

    def _note(self, value: bytes | None, stamp: float) -> None:
        envelope = json.loads(value or b"{}")
        transformation_id = envelope.get("data", {}).get("transformation_id")
        if transformation_id is None:
            return
        with self._changed:
            self._stamps[(str(transformation_id), str(envelope.get("type")))] = stamp
            self._changed.notify_all()
