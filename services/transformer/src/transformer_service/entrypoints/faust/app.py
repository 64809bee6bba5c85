"""The Faust app, configured from settings (built by the worker factory, one per process)."""

import tempfile
from pathlib import Path

import faust

from transformer_service.config import Settings


def broker_urls(bootstrap_servers: str) -> list[str]:
    return [
        f"kafka://{server.strip()}" for server in bootstrap_servers.split(",") if server.strip()
    ]


def create_faust_app(settings: Settings) -> faust.App:
    return faust.App(
        settings.faust_app_id,
        broker=broker_urls(settings.kafka_bootstrap_servers),
        autodiscover=False,
        key_serializer="raw",
        value_serializer="raw",
        # A new consumer group starts at the oldest request: nothing published before the first
        # worker started is skipped.
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_session_timeout=settings.kafka_session_timeout_seconds,
        broker_heartbeat_interval=settings.kafka_heartbeat_interval_seconds,
        # Commit progress often: a restarted worker redoes little (and redoing is idempotent).
        broker_commit_interval=1.0,
        web_bind=settings.transformer_web_host,
        web_port=settings.transformer_web_port,
        web_host=settings.transformer_web_host,
        store="memory://",
        # No tables, but Faust creates its data directory: keep it out of the working tree.
        datadir=Path(tempfile.gettempdir())
        / f"{settings.faust_app_id}-{settings.transformer_web_port}",
    )
