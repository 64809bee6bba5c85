"""What runs beside the HTTP server for the app's whole life.

The outbox relay (publishes TransformRequested when Kafka is reachable), the two consumers
(transform status events, user deletions), the deletion queue, the retention sweep and the webhook
loops. Each loop survives outages of its dependencies on its own, so the API starts and serves even
while Kafka or S3 are down.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import FastAPI

from images_service.config import Settings
from images_service.entrypoints.consumers.transform_events import transform_events_consumer
from images_service.entrypoints.consumers.user_events import user_events_consumer
from images_service.entrypoints.periodic import drain_with_backoff, run_periodically
from images_service.service_layer.deletion import finish_interrupted_deletions
from images_service.service_layer.retention import RetentionPolicy, run_retention
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from images_service.webhooks import bootstrap as webhooks
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.s3 import ensure_bucket

log = logging.getLogger(__name__)


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        variant_max_idle=timedelta(days=settings.retention_days),
        upload_grace=timedelta(seconds=settings.direct_upload_grace_seconds),
        processed_event_max_age=timedelta(days=settings.processed_event_retention_days),
    )


def _ensure_bucket(app: FastAPI) -> None:
    try:
        ensure_bucket(app.state.storage.client, app.state.settings.s3_bucket)
    except Exception as exc:  # S3 down at boot: /ready says so; requests fail until it is back
        log.warning("could not ensure bucket %s: %s", app.state.settings.s3_bucket, exc)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state = app.state
    settings: Settings = state.settings
    await asyncio.to_thread(_ensure_bucket, app)

    # Each loop gets its own unit of work: a unit holds one session at a time.
    def new_uow() -> ImagesUnitOfWork:
        return ImagesUnitOfWork(state.session_factory)

    retention_uow, policy = new_uow(), retention_policy(settings)
    deletion_uow = new_uow()
    loops = {
        "outbox-relay": state.relay.run(),
        "transform-events": transform_events_consumer(
            settings, new_uow(), state.status_signals
        ).run(),
        "user-events": user_events_consumer(settings, new_uow(), state.storage).run(),
        # Images marked `deleting` (a DELETE that met an S3 outage, a crash mid-delete) are the
        # durable queue: this finishes them as soon as S3 answers again.
        "deletion-queue": drain_with_backoff(
            "deletion-queue",
            lambda: finish_interrupted_deletions(deletion_uow, state.storage),
            settings.deletion_poll_seconds,
            settings.deletion_max_backoff_seconds,
        ),
        "retention": run_periodically(
            "retention",
            settings.retention_interval_seconds,
            lambda: run_retention(retention_uow, state.storage, policy),
        ),
        **webhooks.webhook_loops(settings, lambda: WebhooksUnitOfWork(state.session_factory)),
    }
    tasks = [asyncio.create_task(coro, name=name) for name, coro in loops.items()]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await state.transformer.close()
        state.engine.dispose()
