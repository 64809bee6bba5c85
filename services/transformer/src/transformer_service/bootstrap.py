"""Wires the transformer's parts together once per process, as the gateway's bootstrap does.

`Transformer.from_settings` builds everything the handler needs (storage, publisher, scheduler,
settings); `start()` brings up what needs the event loop or spawns processes (the libvips pool,
warmed before the first request is taken, so the first job does not pay for spawning processes
and importing libvips). The Faust entrypoint only adapts: it starts and stops this with the app.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from platform_common.s3_client import SignedS3Client
from transformer_service import metrics
from transformer_service.adapters.kafka_publisher import FaustPublisher
from transformer_service.adapters.pipeline_pool import PipelinePool
from transformer_service.adapters.storage import ObjectStore
from transformer_service.adapters.vips_runtime import check_fonts
from transformer_service.config import Settings
from transformer_service.service_layer.retry import RetryPolicy
from transformer_service.service_layer.scheduling import FairScheduler
from transformer_service.service_layer.variants import Dependencies

logger = logging.getLogger(__name__)


def make_pool(settings: Settings) -> PipelinePool:
    return PipelinePool(
        processes=settings.pool_size,
        threads_per_process=settings.threads_per_process,
        timeout=settings.job_timeout_seconds,
        jobs_per_process=settings.transformer_jobs_per_process,
        storage=settings.worker_storage,  # the pool's processes read their sources themselves
    )


def make_scheduler(settings: Settings) -> FairScheduler:
    # One slot per process: the pool never queues, so its FIFO never decides who goes next.
    scheduler = FairScheduler(
        slots=settings.pool_size,
        heavy_slots=settings.heavy_slots,
        heavy_cost=settings.transformer_heavy_job_cost,
    )
    metrics.WAITING.set_function(lambda: scheduler.waiting)
    return scheduler


@dataclass
class Transformer:
    settings: Settings
    store: ObjectStore
    publisher: FaustPublisher
    scheduler: FairScheduler
    # Started by start(): spawning processes belongs to the running worker, not to its wiring.
    pool: PipelinePool | None = field(default=None, init=False)
    _dependencies: Dependencies | None = field(default=None, init=False)
    _started: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    @classmethod
    def from_settings(cls, settings: Settings, faust_app: Any) -> "Transformer":
        """`faust_app` lends its producer to the publisher (sends wait for the broker's ack)."""
        return cls(
            settings=settings,
            # A connection per render that may finish (and write its variant) at once.
            store=ObjectStore(
                SignedS3Client(settings, settings.s3_bucket, connections=settings.pool_size)
            ),
            publisher=FaustPublisher(
                faust_app, settings.topic_transform_events, settings.topic_transform_dlq
            ),
            scheduler=make_scheduler(settings),
        )

    async def start(self) -> None:
        check_fonts()
        self.pool = make_pool(self.settings)
        await asyncio.to_thread(self.pool.warm_up)
        settings = self.settings
        self._dependencies = Dependencies(
            store=self.store,
            renderer=self.pool,
            publisher=self.publisher,
            limits=settings.limits,
            retry=RetryPolicy(
                max_attempts=settings.transformer_max_attempts,
                base_seconds=settings.transformer_retry_base_seconds,
                max_seconds=settings.transformer_retry_max_seconds,
            ),
            scheduler=self.scheduler,
            encoders=settings.encoders,
            fresh_request_seconds=settings.transformer_fresh_request_seconds,
        )
        self._started.set()
        logger.info(
            "transformer runtime started",
            extra={
                "processes": settings.pool_size,
                "heavy_slots": settings.heavy_slots,
                "vips_threads": settings.threads_per_process,
            },
        )

    async def stop(self) -> None:
        if self.pool is not None:
            await asyncio.to_thread(self.pool.close)

    @property
    def started(self) -> bool:
        return self._dependencies is not None

    async def dependencies(self) -> Dependencies:
        """The handler's dependencies, once start() has finished."""
        await self._started.wait()
        assert self._dependencies is not None
        return self._dependencies

    async def storage_ping(self) -> None:
        await self.store.ping()
