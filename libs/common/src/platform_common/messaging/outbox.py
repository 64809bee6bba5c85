"""The transactional outbox: events are written in the same transaction as the state they
describe, and a relay publishes them to Kafka afterwards.

So a request is never lost when Kafka is down (the row waits), and never published for a change
that rolled back. Delivery is at-least-once: a crash between publish and mark-sent republishes
the same envelope id, which consumers dedupe.

Staging a row also queues a PostgreSQL notification on `OUTBOX_CHANNEL`; PostgreSQL delivers it
when (and only if) the transaction commits, so every unit of work that commits an event wakes the
relays listening in any process, at once, instead of at their next poll.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

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
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from platform_common.events import Envelope, Event

OUTBOX_CHANNEL = "outbox_committed"
OUTBOX_UNSENT = Gauge("outbox_unsent_events", "Outbox rows waiting to be published")
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row (0 when none)"
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")

OutboxMessage = tuple[str, str, bytes]  # topic, key, envelope bytes
SendAll = Callable[[list[OutboxMessage]], Awaitable[None]]


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
    """Stage an event in the caller's transaction: published only if that transaction commits,
    and the relays are woken by that commit."""
    envelope = Envelope.wrap(event)
    session.execute(
        insert(table).values(id=envelope.id, topic=topic, key=key, payload=envelope.to_bytes())
    )
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})
    return envelope


class SqlOutbox:
    """The outbox table as the relay sees it: claim a batch, publish it, mark it sent."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self.engine = engine
        self.table = table

    def _claim(self, connection: object, limit: int) -> list[tuple[uuid.UUID, str, str, bytes]]:
        # SKIP LOCKED lets replicas share the backlog without publishing the same row twice.
        rows = connection.execute(  # type: ignore[attr-defined]
            select(self.table.c.id, self.table.c.topic, self.table.c.key, self.table.c.payload)
            .where(self.table.c.sent_at.is_(None))
            .order_by(self.table.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def publish_pending(self, send_all: SendAll, limit: int) -> int:
        """Publish up to `limit` unsent rows in creation order; how many were published."""
        connection = await asyncio.to_thread(self.engine.connect)
        try:
            transaction = await asyncio.to_thread(connection.begin)
            rows = await asyncio.to_thread(self._claim, connection, limit)
            if rows:
                await send_all([(topic, key, payload) for _id, topic, key, payload in rows])
                ids = [row[0] for row in rows]
                await asyncio.to_thread(
                    connection.execute,
                    update(self.table)
                    .where(self.table.c.id.in_(ids))
                    .values(sent_at=datetime.now(UTC)),
                )
            await asyncio.to_thread(transaction.commit)
            return len(rows)
        finally:
            await asyncio.to_thread(connection.close)

    def measure_backlog(self) -> None:
        """Set the backlog gauges: unsent rows and the age of the oldest (partial index)."""
        with self.engine.connect() as connection:
            count, oldest = connection.execute(
                select(func.count(), func.min(self.table.c.created_at))
                .select_from(self.table)
                .where(self.table.c.sent_at.is_(None))
            ).one()
        OUTBOX_UNSENT.set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        OUTBOX_OLDEST_AGE.set(max(0.0, age))
