"""Wires the gateway's parts together once per process; the lifespan owns what needs the loop."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from gateway_service.adapters.delivery_keys import DeliveryKeyStore
from gateway_service.adapters.event_feed import TransformEventFeed
from gateway_service.adapters.metrics_server import metrics_server
from gateway_service.adapters.rate_limiter import RateLimiter
from gateway_service.adapters.upstream_client import Upstreams
from gateway_service.adapters.variant_cache import VariantCache
from gateway_service.config import Settings
from gateway_service.domain.openapi import Schema
from gateway_service.domain.rate_policy import LimitCategory
from gateway_service.domain.routes import Upstream
from gateway_service.service_layer.delivery import DeliveryService
from gateway_service.service_layer.edge_auth import EdgeAuthenticator
from gateway_service.service_layer.live_hub import LiveHub
from gateway_service.service_layer.openapi_aggregate import OpenApiAggregator
from gateway_service.service_layer.proxy import UpstreamProxy
from platform_common.security.tokens import TokenVerifier

READY_TIMEOUT_SECONDS = 2.0


def make_rate_limiter(settings: Settings) -> RateLimiter | None:
    if not settings.rate_limit_enabled:
        return None
    return RateLimiter(
        settings.rate_limit_storage_uri,
        {
            LimitCategory.LOGIN: settings.rate_limit_login,
            LimitCategory.UPLOADS: settings.rate_limit_uploads,
            LimitCategory.TRANSFORMS: settings.rate_limit_transforms,
            LimitCategory.READS: settings.rate_limit_reads,
            LimitCategory.DELIVERY_READS: settings.rate_limit_delivery_reads,
            LimitCategory.DELIVERY_RENDERS: settings.rate_limit_delivery_renders,
        },
    )


@dataclass
class Gateway:
    settings: Settings
    edge: EdgeAuthenticator
    limiter: RateLimiter | None
    cache: VariantCache
    hub: LiveHub
    # Created in the lifespan: connection pools belong to the event loop that serves requests.
    upstreams: Upstreams = field(init=False)
    proxy: UpstreamProxy = field(init=False)
    delivery_keys: DeliveryKeyStore = field(init=False)
    delivery: DeliveryService = field(init=False)
    openapi: OpenApiAggregator = field(init=False)

    @classmethod
    def from_settings(cls, settings: Settings, verifier: TokenVerifier) -> "Gateway":
        return cls(
            settings=settings,
            edge=EdgeAuthenticator(verifier, settings.token_cache_size),
            limiter=make_rate_limiter(settings),
            cache=VariantCache(
                settings.variant_cache_bytes,
                settings.variant_cache_max_item_bytes,
                settings.variant_cache_ttl_seconds,
            ),
            hub=LiveHub(
                settings.live_queue_size,
                settings.live_replay_per_user,
                settings.live_max_connections_per_user,
            ),
        )

    @contextlib.asynccontextmanager
    async def running(self, own_schema: Callable[[], Schema]) -> AsyncIterator[None]:
        self.upstreams = Upstreams(self.settings)
        with metrics_server(self.settings.metrics_host, self.settings.metrics_port):
            async with self._serving(own_schema):
                yield

    @contextlib.asynccontextmanager
    async def _serving(self, own_schema: Callable[[], Schema]) -> AsyncIterator[None]:
        async with self.upstreams.client:
            self.proxy = UpstreamProxy(self.upstreams, self.cache)
            self.delivery_keys = DeliveryKeyStore(
                self.upstreams,
                self.settings.internal_api_token,
                self.settings.delivery_key_cache_seconds,
            )
            self.delivery = DeliveryService(
                self.upstreams, self.cache, self.limiter, self.settings.internal_api_token
            )
            self.openapi = OpenApiAggregator(
                own_schema,
                self.upstreams.client,
                self.upstreams.urls,
                self.settings.openapi_cache_seconds,
            )
            feed = None
            if self.settings.live_enabled:
                events = TransformEventFeed(
                    self.settings.kafka_bootstrap_servers,
                    self.settings.topic_transform_events,
                    self.hub.publish,
                )
                feed = asyncio.create_task(events.run(), name="transform-event-feed")
            try:
                yield
            finally:
                if feed is not None:
                    feed.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await feed

    def upstream_check(self, upstream: Upstream) -> Callable[[], object]:
        """A readiness check: the upstream answers its liveness probe."""

        async def check() -> None:
            url = self.upstreams.urls[upstream].join("/health")
            response = await self.upstreams.client.get(url, timeout=READY_TIMEOUT_SECONDS)
            response.raise_for_status()

        return check
