"""Everything the images worker runs: the outbox relay (and its wake-ups), the two
subscriptions, the deletion queue, the retention sweep and the webhook loops.

Each loop survives outages of its dependencies on its own (the messaging core's backoff), so the
worker starts and keeps going while Kafka, PostgreSQL or S3 are down.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from datetime import timedelta
from typing import Any

from images_service.adapters.orm import outbox
from images_service.bootstrap import ImagesService
from images_service.config import Settings
from images_service.entrypoints.worker import subscriptions
from images_service.service_layer.deletion import finish_interrupted_deletions
from images_service.service_layer.retention import RetentionPolicy, run_retention
from images_service.webhooks.entrypoints.workers import webhook_loops
from platform_common.messaging.outbox_loops import outbox_relay_loops
from platform_common.periodic import drain_with_backoff, run_periodically


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        variant_max_idle=timedelta(days=settings.retention_days),
        upload_grace=timedelta(seconds=settings.direct_upload_grace_seconds),
        processed_event_max_age=timedelta(days=settings.processed_event_retention_days),
    )


def worker_loops(images: ImagesService) -> dict[str, Coroutine[Any, Any, None]]:
    settings = images.settings
    policy = retention_policy(settings)
    return {
        **outbox_relay_loops(images.engine, outbox, settings.kafka_bootstrap_servers),
        "transform-events": subscriptions.transform_events(images).run(),
        "user-events": subscriptions.user_events(images).run(),
        # Images marked `deleting` (a DELETE that met an S3 outage, a crash mid-delete) are the
        # durable queue: this finishes them as soon as S3 answers again.
        "deletion-queue": drain_with_backoff(
            "deletion-queue",
            lambda: finish_interrupted_deletions(images.new_uow(), images.storage),
            settings.deletion_poll_seconds,
            settings.deletion_max_backoff_seconds,
        ),
        "retention": run_periodically(
            "retention",
            settings.retention_interval_seconds,
            lambda: run_retention(images.new_uow(), images.storage, policy),
        ),
        **webhook_loops(settings, images.new_webhooks_uow),
    }


@contextlib.asynccontextmanager
async def running(images: ImagesService) -> AsyncIterator[list[asyncio.Task[None]]]:
    """The worker's loops as tasks for the duration of the block (the CLI, and tests)."""
    await asyncio.to_thread(images.ensure_bucket)
    tasks = [asyncio.create_task(coro, name=name) for name, coro in worker_loops(images).items()]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
