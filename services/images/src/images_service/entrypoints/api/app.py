"""The images HTTP application: adapts the bootstrapped service to HTTP. No background loop runs
here: the consumers, the outbox relay and the periodic jobs are the worker's
(`images-service worker`)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI

from images_service.bootstrap import ImagesService
from images_service.config import Settings, get_settings
from images_service.entrypoints.api.errors import install_error_handlers
from images_service.entrypoints.api.routes import (
    admin,
    delivery_keys,
    delivery_urls,
    images,
    internal_delivery,
    presets,
    remote,
    styles,
    transformations,
    uploads,
)
from images_service.webhooks import bootstrap as webhooks
from platform_common.app import create_service_app
from platform_common.db import ping
from platform_common.http_limits import upload_body_limit

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    service = ImagesService.from_settings(settings)

    async def start_pixel_process() -> None:
        # In the background: the first upload after a start need not pay for the spawn (it
        # imports libvips: seconds on a loaded machine), and readiness does not wait for it.
        try:
            await asyncio.to_thread(service.pixels.warm_up)
        except Exception:  # the first upload starts it, or says why it cannot
            log.warning("the pixel process did not start ahead of the uploads", exc_info=True)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(service.ensure_bucket)
        warming = asyncio.create_task(start_pixel_process())
        try:
            yield
        finally:
            await service.close()  # a spawn still in progress is stopped with the pool
            await warming

    app = create_service_app(
        settings,
        title="Images service",
        description="Image uploads and metadata, transformation requests, status and results.",
        routers=[
            uploads.router,
            remote.router,
            styles.router,
            transformations.listing_router,
            images.router,
            transformations.router,
            delivery_urls.router,
            admin.router,
            delivery_keys.router,
            presets.router,
            internal_delivery.router,
            webhooks.router,
        ],
        readiness_checks={
            "database": lambda: ping(service.engine),
            "storage": service.storage.objects.check_bucket,
        },
        body_limit=upload_body_limit(settings.max_body_bytes, settings.max_upload_bytes),
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.images = service
    return app
