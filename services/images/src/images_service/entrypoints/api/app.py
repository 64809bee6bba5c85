"""The images HTTP application: wires adapters to the routes and starts the background loops."""

from fastapi import FastAPI

from images_service.adapters.object_storage import ObjectStorage
from images_service.adapters.orm import outbox, start_mappers
from images_service.adapters.transformer_client import TransformerClient
from images_service.config import Settings, get_settings
from images_service.entrypoints.api.errors import install_dependency_error_handlers
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
from images_service.entrypoints.lifespan import lifespan
from images_service.service_layer.notifications import StatusSignals
from images_service.webhooks import bootstrap as webhooks
from platform_common.app import create_service_app
from platform_common.db import make_engine, make_session_factory, ping
from platform_common.http_limits import upload_body_limit
from platform_common.outbox import OutboxRelay
from platform_common.s3 import make_s3_client


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    start_mappers()
    webhooks.start_mappers()
    engine = make_engine(settings.database_url, settings.database_pool_size)
    s3 = make_s3_client(settings)
    storage = ObjectStorage(s3, settings.s3_bucket, make_s3_client(settings, public=True))
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
            "database": lambda: ping(engine),
            "storage": lambda: s3.head_bucket(Bucket=settings.s3_bucket),
        },
        body_limit=upload_body_limit(settings.max_body_bytes, settings.max_upload_bytes),
        lifespan=lifespan,
    )
    install_dependency_error_handlers(app)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.storage = storage
    app.state.relay = OutboxRelay(engine, outbox, settings.kafka_bootstrap_servers)
    app.state.status_signals = StatusSignals()
    app.state.transformer = TransformerClient(settings.transformer_url, settings.internal_api_token)
    return app
