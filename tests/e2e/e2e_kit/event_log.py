"""The transformer's status events in the order they reach one Kafka consumer, read on a thread.

For tests that check an order of events across users (the gateway's live feed shows each user
only their own): every event of the transform events topic, from its end when the log opened.
"""

import asyncio
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient


class EventLog:
    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.bootstrap_servers, self.topic = bootstrap_servers, topic
        self.events: list[tuple[str, str]] = []  # (event type, transformation id), as received
        # Where each event is on the topic: (event type, transformation id) -> (partition, offset)
        self.positions: dict[tuple[str, str], tuple[int, int]] = {}
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="event-log", daemon=True)

    def __enter__(self) -> "EventLog":
        self._thread.start()
        if not self._ready.wait(timeout=30) or self._failure is not None:
            raise AssertionError(f"the event log could not read {self.topic}: {self._failure!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            asyncio.run(self._consume())
        except BaseException as exc:  # reported by __enter__ or wait_for
            self._failure = exc
            self._ready.set()

    async def _consume(self) -> None:
        # No group: every partition is assigned to this consumer, read from its end.
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=self.bootstrap_servers,
            group_id=None,
            auto_offset_reset="latest",
        )
        await consumer.start()
        try:
            while not consumer.assignment():  # noqa: ASYNC110 - aiokafka signals no event for it
                await asyncio.sleep(0.05)
            for tp in consumer.assignment():
                await consumer.position(tp)  # resolved now: nothing after this is missed
            self._ready.set()
            while not self._stop.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    self._record(records)
        finally:
            await consumer.stop()

    def _record(self, records: list[Any]) -> None:
        with self._changed:
            for record in records:
                envelope = json.loads(record.value)
                data = envelope.get("data") or {}
                event = (str(envelope.get("type")), str(data.get("transformation_id")))
                self.events.append(event)
                self.positions.setdefault(event, (record.partition, record.offset))
            self._changed.notify_all()

    def index(self, event_type: str, tid: str) -> int | None:
        with self._changed:
            return next(
                (i for i, event in enumerate(self.events) if event == (event_type, tid)), None
            )

    def wait_for(self, done: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not done():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._failure is not None:
                    failure = f" (the log failed: {self._failure!r})" if self._failure else ""
                    raise AssertionError(f"not seen in {timeout:g} s{failure}; {self.events}")
                self._changed.wait(timeout=remaining)


def committed_offsets(bootstrap_servers: str, group: str, topic: str) -> dict[int, int]:
    """The consumer group's committed offset of each partition of `topic` (the next to read)."""

    async def read() -> dict[int, int]:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(group)
        finally:
            await admin.close()
        return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}

    return asyncio.run(read())
