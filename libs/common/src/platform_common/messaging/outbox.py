"""The transactional outbox: events are written in the same transaction as the state they
describe, and a relay publishes them to Kafka afterwards.

So a request is never lost when Kafka is down (the row waits), and never published for a change
that rolled back. Delivery is at-least-once: a crash between publish and mark-sent republishes
the same envelope id, which consumers dedupe.

Staging a row also queues a PostgreSQL notification on `OUTBOX_CHANNEL`; PostgreSQL delivers it
when (and only if) the transaction commits, so every unit of work that commits an event wakes the
relays listening in any process, at once, instead of at their next poll.

A row may be staged *deferred* (`defer_seconds`, on a table made with `deferrable=True`): the
relay leaves it alone until `publish_after`, so a caller that does the work another way first (the
on-the-fly render, in one hop) can `withdraw` it when that work reaches its end, in the same
transaction that records the end, and nothing reaches Kafka. At-least-once is kept because the row
is committed with the state it describes exactly as before: whoever crashes, the grace runs out
and the relay publishes it; a caller that knows the other way failed calls `release` to publish
at once. A row is withdrawn only while unsent, by the `subject` it was staged for.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from platform_common.events import Envelope, Event

OUTBOX_CHANNEL = "outbox_committed"
OUTBOX_UNSENT = Gauge("outbox_unsent_events", "Outbox rows waiting to be published")
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row (0 when none)"
)
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka")

OutboxMessage = tuple[str, str, bytes]  # topic, key, envelope bytes
SendAll = Callable[[list[OutboxMessage]], Awaitable[None]]


def outbox_table(metadata: MetaData, *, deferrable: bool = False) -> Table:
    """The outbox; `deferrable` adds the columns of deferred rows (publish_after, subject)."""
    deferral = (
        [
            Column("publish_after", DateTime(timezone=True), nullable=True),
            Column("subject", Uuid, nullable=True),
            Index(
                "ix_outbox_unsent_subject", "subject", postgresql_where=Column("sent_at").is_(None)
            ),
        ]
        if deferrable
        else []
    )
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
        *deferral,
    )


@dataclass(frozen=True)
class Deferral:
    """Publish only after `seconds`, unless withdrawn (by `subject`) or released before."""

    subject: uuid.UUID
    seconds: float


def _wake_relays(session: Session) -> None:
    session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL})


def add_to_outbox(
    session: Session,
    table: Table,
    topic: str,
    key: str,
    event: Event,
    deferral: Deferral | None = None,
) -> Envelope:
    """Stage an event in the caller's transaction: published only if that transaction commits,
    and the relays are woken by that commit (a deferred one: after its grace)."""
    envelope = Envelope.wrap(event)
    values: dict[str, object] = {
        "id": envelope.id,
        "topic": topic,
        "key": key,
        "payload": envelope.to_bytes(),
    }
    if deferral is not None:
        values["subject"] = deferral.subject
        values["publish_after"] = func.now() + timedelta(seconds=deferral.seconds)
    session.execute(insert(table).values(**values))
    if deferral is None:
        _wake_relays(session)
    return envelope


def withdraw_from_outbox(session: Session, table: Table, subject: uuid.UUID) -> None:
    """In the transaction that records the subject's end: its unsent deferred rows are dropped."""
    session.execute(
        delete(table).where(table.c.subject == subject).where(table.c.sent_at.is_(None))
    )


def release_from_outbox(session: Session, table: Table, envelope_id: uuid.UUID) -> None:
    """A deferred row is due now (the other way failed): the commit wakes the relays."""
    session.execute(
        update(table)
        .where(table.c.id == envelope_id)
        .where(table.c.sent_at.is_(None))
        .values(publish_after=None)
    )
    _wake_relays(session)


def _due(table: Table) -> ColumnElement[bool]:
    """Unsent, and (on a deferrable table) not waiting out a grace."""
    unsent = table.c.sent_at.is_(None)
    if "publish_after" not in table.c:
        return unsent
    return unsent & or_(table.c.publish_after.is_(None), table.c.publish_after <= func.now())


class SqlOutbox:
    """The outbox table as the relay sees it: claim a batch, publish it, mark it sent."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self.engine = engine
        self.table = table

    def _claim(self, connection: object, limit: int) -> list[tuple[uuid.UUID, str, str, bytes]]:
        # SKIP LOCKED lets replicas share the backlog without publishing the same row twice.
        rows = connection.execute(  # type: ignore[attr-defined]
            select(self.table.c.id, self.table.c.topic, self.table.c.key, self.table.c.payload)
            .where(_due(self.table))
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
        """Set the backlog gauges: due unsent rows and the age of the oldest (partial index);
        a deferred row still in its grace is no backlog."""
        with self.engine.connect() as connection:
            count, oldest = connection.execute(
                select(func.count(), func.min(self.table.c.created_at))
                .select_from(self.table)
                .where(_due(self.table))
            ).one()
        OUTBOX_UNSENT.set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        OUTBOX_OLDEST_AGE.set(max(0.0, age))
