"""Tables of the images database, mapped imperatively onto the plain domain classes."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import registry

from images_service.domain.delivery import Preset, SigningKey
from images_service.domain.image import Image
from images_service.domain.insight import ImageInsight
from images_service.domain.transformation import Transformation
from images_service.domain.upload import Upload
from platform_common.messaging.outbox import outbox_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)


def timestamp_column(name: str, nullable: bool = False) -> Column[datetime]:
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=func.now())


class InsightColumn(TypeDecorator[ImageInsight]):
    """ImageInsight stored as one JSON document."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: ImageInsight | None, dialect: Dialect) -> Any:
        return None if value is None else value.to_json()

    def process_result_value(self, value: Any, dialect: Dialect) -> ImageInsight | None:
        return None if value is None else ImageInsight.from_json(value)


images = Table(
    "images",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, nullable=False),
    Column("original_filename", String(255)),
    Column("content_type", String(100), nullable=False),
    Column("format", String(16), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("checksum_sha256", String(64), nullable=False),
    Column("s3_key", String(512), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("insight", InsightColumn()),
    timestamp_column("created_at"),
    Index("ix_images_owner_created", "owner_id", "created_at"),
    Index("ix_images_created", "created_at"),
)

transformations = Table(
    "transformations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "image_id", Uuid, ForeignKey("images.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("spec", Text, nullable=False),
    Column("variant_key", String(512), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("result_key", String(512)),  # unmapped: see start_mappers
    Column("result_format", String(16)),
    Column("result_width", Integer),
    Column("result_height", Integer),
    Column("result_bytes", BigInteger),
    Column("error_code", String(64)),
    Column("error_message", Text),
    Column("attempts", Integer, nullable=False),
    timestamp_column("created_at"),
    timestamp_column("updated_at"),
    timestamp_column("last_requested_at"),
    # One row per (image, content address): identical requests find the existing work.
    UniqueConstraint("image_id", "variant_key", name="uq_transformations_image_variant"),
    Index("ix_transformations_last_requested", "last_requested_at"),
)

uploads = Table(
    "uploads",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, nullable=False, index=True),
    Column("s3_key", String(512), nullable=False),
    Column("filename", String(255)),
    Column("content_type", String(100), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    timestamp_column("created_at"),
    Column("completed_at", DateTime(timezone=True)),
)

# Envelope ids of consumed events: redelivered events are recognised and skipped.
processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    timestamp_column("processed_at"),
    Index("ix_processed_events_processed_at", "processed_at"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, nullable=False, index=True),
    Column("key", String(128), nullable=False),
    Column("salt", String(128), nullable=False),
    timestamp_column("created_at"),
)

presets = Table(
    "presets",
    metadata,
    Column("owner_id", Uuid, primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("spec", Text, nullable=False),
    timestamp_column("created_at"),
    timestamp_column("updated_at"),
)

# Owners whose account was deleted: nothing may be created for them any more (see owners.py).
deleted_owners = Table(
    "deleted_owners",
    metadata,
    Column("owner_id", Uuid, primary_key=True),
    timestamp_column("deleted_at"),
)

outbox = outbox_table(metadata, deferrable=True)  # on-the-fly requests wait out a grace


def start_mappers() -> None:
    """Idempotent: the app factory and tests may both call it."""
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Image, images)
    # result_key only echoed variant_key; it stays in the table (unread) while a rolling deploy
    # may still run the previous release, which writes it, and is dropped by a later migration.
    mapper_registry.map_imperatively(
        Transformation, transformations, exclude_properties=["result_key"]
    )
    mapper_registry.map_imperatively(Upload, uploads)
    mapper_registry.map_imperatively(SigningKey, signing_keys)
    mapper_registry.map_imperatively(Preset, presets)
