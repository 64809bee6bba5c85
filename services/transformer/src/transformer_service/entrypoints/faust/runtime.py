"""The worker's long-lived dependencies, started and stopped with the Faust app.

The libvips process pool is warmed up before the first request is taken, so the first job does
not pay for spawning processes and importing libvips.
"""

import asyncio
import logging

import pyvips
from mode import Service

from platform_common.s3 import make_s3_client
from transformer_service.adapters.kafka_publisher import FaustPublisher
from transformer_service.adapters.pipeline_pool import PipelinePool
from transformer_service.adapters.storage import ObjectStore
from transformer_service.domain.operations.watermark import FONT, FONT_FILE
from transformer_service.entrypoints.faust.app import app, settings
from transformer_service.service_layer.retry import RetryPolicy
from transformer_service.service_layer.variants import Dependencies

logger = logging.getLogger(__name__)

_started: asyncio.Event | None = None
_dependencies: Dependencies | None = None
_store: ObjectStore | None = None


def _started_event() -> asyncio.Event:
    global _started
    if _started is None:
        _started = asyncio.Event()
    return _started


async def dependencies() -> Dependencies:
    """The handler's dependencies, once the runtime has started."""
    await _started_event().wait()
    assert _dependencies is not None
    return _dependencies


def is_started() -> bool:
    return _dependencies is not None


async def storage_ping() -> None:
    if _store is None:
        raise RuntimeError("storage client not started")
    await _store.ping()


def check_fonts() -> None:
    # Text watermarks need a real font; without one pango renders boxes or nothing.
    if not FONT_FILE.exists():
        logger.warning("font %s missing: install fonts-dejavu-core; using fontconfig", FONT_FILE)
    mask = pyvips.Image.text("Ag", font=f"{FONT} 20", dpi=72)
    if mask.max() == 0:
        raise RuntimeError("no usable font for text watermarks (install fonts-dejavu-core)")


@app.service
class TransformerRuntime(Service):
    pool: PipelinePool

    async def on_start(self) -> None:
        global _dependencies, _store
        check_fonts()
        self.pool = PipelinePool(
            processes=settings.pool_size,
            threads_per_process=settings.threads_per_process,
            timeout=settings.job_timeout_seconds,
            jobs_per_process=settings.transformer_jobs_per_process,
            storage=settings.worker_storage,
        )
        await asyncio.to_thread(self.pool.warm_up)
        _store = ObjectStore(make_s3_client(settings), settings.s3_bucket)
        _dependencies = Dependencies(
            store=_store,
            renderer=self.pool,
            publisher=FaustPublisher(
                app, settings.topic_transform_events, settings.topic_transform_dlq
            ),
            limits=settings.limits,
            retry=RetryPolicy(
                max_attempts=settings.transformer_max_attempts,
                base_seconds=settings.transformer_retry_base_seconds,
                max_seconds=settings.transformer_retry_max_seconds,
            ),
            encoders=settings.encoders,
            fresh_request_seconds=settings.transformer_fresh_request_seconds,
        )
        _started_event().set()
        logger.info(
            "transformer runtime started",
            extra={"processes": settings.pool_size, "vips_threads": settings.threads_per_process},
        )

    async def on_stop(self) -> None:
        await asyncio.to_thread(self.pool.close)
