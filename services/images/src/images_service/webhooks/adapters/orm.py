"""The webhook tables, in the images database (same metadata, so one Alembic history)."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import registry

from images_service.adapters.orm import metadata, timestamp_column
from images_service.webhooks.domain.model import Attempt, Delivery, Endpoint

# A registry of its own: the images mappers and these start independently.
mapper_registry = registry(metadata=metadata)


webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, nullable=False, index=True),
    Column("url", String(2048), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("description", String(255)),
    timestamp_column("created_at"),
    timestamp_column("updated_at"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "endpoint_id",
        Uuid,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    timestamp_column("created_at"),
    timestamp_column("window_started_at"),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
    Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    # The dispatcher's work queue: only what is still owed.
    Index(
        "ix_webhook_deliveries_due",
        "next_attempt_at",
        postgresql_where=Column("status") == "pending",
    ),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "delivery_id",
        Uuid,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    timestamp_column("attempted_at"),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
)


def start_mappers() -> None:
    """Idempotent: the app factory and tests may both call it."""
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Endpoint, webhook_endpoints)
    mapper_registry.map_imperatively(Delivery, webhook_deliveries)
    mapper_registry.map_imperatively(Attempt, webhook_attempts)
