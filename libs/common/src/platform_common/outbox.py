"""The transactional outbox: events are written in the same transaction as the state they
describe, and a relay publishes them to Kafka afterwards.

So a request is never lost when Kafka is down (the row waits), and never published for a change
that rolled back. Delivery is at-least-once: a crash between publish and mark-sent republishes
the same envelope id, which consumers dedupe.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from prometheus_client import Counter, Gauge
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from platform_common.events import Envelope, Event
from platform_common.kafka import make_producer, trace_headers

log = logging.getLogger(__name__)

OUTBOX_UNSENT = Gauge("outbox_unsent_events", "Outbox rows waiting to be published")
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row (0 when none)"
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")
# The backlog is measured at most this often (one indexed query), not on every poll.
MEASURE_EVERY_SECONDS = 5.0


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Index("ix_outbox_unsent", "created_at", postgresql_where=Column("sent_at").is_(None)),
    )


def add_to_outbox(session: Session, table: Table, topic: str, key: str, event: Event) -> Envelope:
    """Stage an event in the caller's transaction: published only if that transaction commits."""
    envelope = Envelope.wrap(event)
    session.execute(
        insert(table).values(id=envelope.id, topic=topic, key=key, payload=envelope.to_bytes())
    )
    return envelope


class OutboxRelay:
    """Publishes unsent outbox rows in creation order; several replicas may run it safely."""

    def __init__(
        self, engine: Engine, table: Table, bootstrap_servers: str, batch_size: int = 200
    ) -> None:
        self.engine = engine
        self.table = table
        self.bootstrap_servers = bootstrap_servers
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """Ask for a publish now (called after committing a new row) instead of at the next poll."""
        self._wake.set()

    def _claim(self, connection: Connection) -> list[tuple[uuid.UUID, str, str, bytes]]:
        # SKIP LOCKED lets replicas share the backlog without publishing the same row twice.
        rows = connection.execute(
            select(self.table.c.id, self.table.c.topic, self.table.c.key, self.table.c.payload)
            .where(self.table.c.sent_at.is_(None))
            .order_by(self.table.c.created_at)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        return [tuple(row) for row in rows]

    def _mark_sent(self, connection: Connection, ids: list[uuid.UUID]) -> None:
        connection.execute(
            update(self.table).where(self.table.c.id.in_(ids)).values(sent_at=datetime.now(UTC))
        )

    async def publish_pending(self, producer: AIOKafkaProducer) -> int:
        connection = await asyncio.to_thread(self.engine.connect)
        try:
            transaction = await asyncio.to_thread(connection.begin)
            rows = await asyncio.to_thread(self._claim, connection)
            if rows:
                sends = [
                    await producer.send(
                        topic,
                        payload,
                        key=key.encode(),
                        headers=trace_headers(Envelope.from_bytes(payload)),
                    )
                    for _id, topic, key, payload in rows
                ]
                await asyncio.gather(*sends)
                await asyncio.to_thread(self._mark_sent, connection, [row[0] for row in rows])
            await asyncio.to_thread(transaction.commit)
            OUTBOX_PUBLISHED.inc(len(rows))
            return len(rows)
        finally:
            await asyncio.to_thread(connection.close)

    async def run(self, poll_interval: float = 0.5) -> None:
        """Loop until cancelled; survives Kafka and database outages by retrying with backoff."""
        backoff = poll_interval
        measured_at = 0.0
        while not self._stopping:
            producer = make_producer(self.bootstrap_servers)
            try:
                await producer.start()
                while True:
                    published = await self.publish_pending(producer)
                    backoff = poll_interval
                    if time.monotonic() - measured_at >= MEASURE_EVERY_SECONDS:
                        await asyncio.to_thread(self.measure_backlog)
                        measured_at = time.monotonic()
                    if published < self.batch_size:
                        self._wake.clear()
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._wake.wait(), poll_interval)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay paused: %s; retrying in %.1fs", exc, backoff)
                with contextlib.suppress(Exception):  # Kafka is down, not necessarily the DB
                    await asyncio.to_thread(self.measure_backlog)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                await producer.stop()

    def count_unsent(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                select(func.count()).select_from(self.table).where(self.table.c.sent_at.is_(None))
            ).scalar_one()

    def measure_backlog(self) -> None:
        """Set the backlog gauges: unsent rows and the age of the oldest (partial index)."""
        unsent = self.table.c.sent_at.is_(None)
        with self.engine.connect() as connection:
            count, oldest = connection.execute(
                select(func.count(), func.min(self.table.c.created_at))
                .select_from(self.table)
                .where(unsent)
            ).one()
        OUTBOX_UNSENT.set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        OUTBOX_OLDEST_AGE.set(max(0.0, age))
