"""Builds every dependency of the images service once per process.

The API (`entrypoints/api`) and the worker (`entrypoints/worker`) are built from the same
`ImagesService`; they only adapt it, to HTTP and to the background loops respectively.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from images_service.adapters.memory import LargeRequests, bound_process_memory
from images_service.adapters.object_storage import ObjectStorage
from images_service.adapters.orm import start_mappers
from images_service.adapters.pixel_decoder import PixelDecoder
from images_service.adapters.transformer_client import TransformerClient
from images_service.adapters.variant_bytes import VariantBytes
from images_service.adapters.variant_notifications import VariantNotifications
from images_service.config import Settings
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from images_service.webhooks.adapters.orm import start_mappers as start_webhook_mappers
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.db import make_engine, make_session_factory
from platform_common.s3_client import SignedS3Client

log = logging.getLogger(__name__)


@dataclass
class ImagesService:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    storage: ObjectStorage
    notifications: VariantNotifications
    large_requests: LargeRequests
    transformer: TransformerClient  # the one-hop on-the-fly render (the API's use)
    pixels: PixelDecoder  # the uploads' pixels, in a process of their own (the API starts it)
    variant_bytes: VariantBytes  # small finished variants, served from memory (the API's use)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ImagesService":
        bound_process_memory()
        start_mappers()
        start_webhook_mappers()
        engine = make_engine(settings.database_url, settings.database_pool_size)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            # As many connections as the thread pool may use at once (more are still sent).
            storage=ObjectStorage(SignedS3Client(settings, settings.s3_bucket, connections=32)),
            notifications=VariantNotifications(engine),
            large_requests=LargeRequests(),
            transformer=TransformerClient(settings.transformer_url, settings.internal_api_token),
            pixels=PixelDecoder(
                settings.pixel_decode_timeout_seconds, settings.pixel_decodes_per_process
            ),
            variant_bytes=VariantBytes(
                settings.variant_bytes_cache_bytes, settings.variant_bytes_cache_max_item_bytes
            ),
        )

    def new_uow(self) -> ImagesUnitOfWork:
        # One per request or per handled message: a unit of work holds one session at a time.
        return ImagesUnitOfWork(self.session_factory)

    def new_webhooks_uow(self) -> WebhooksUnitOfWork:
        return WebhooksUnitOfWork(self.session_factory)

    def ensure_bucket(self) -> None:
        try:
            self.storage.objects.ensure_bucket()
        except Exception as exc:  # S3 down at boot: /ready says so; requests fail until it is back
            log.warning("could not ensure bucket %s: %s", self.settings.s3_bucket, exc)

    async def close(self) -> None:
        await self.notifications.close()
        await self.transformer.close()
        self.pixels.close()
        self.engine.dispose()
