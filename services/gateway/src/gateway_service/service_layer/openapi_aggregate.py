"""The platform's OpenAPI document, assembled from the services' own documents and cached."""

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from gateway_service.domain.openapi import Schema, merge_openapi
from gateway_service.domain.routes import Upstream

log = logging.getLogger(__name__)
# A document missing a service is kept only briefly, so it heals as soon as the service is up.
INCOMPLETE_CACHE_SECONDS = 5.0


class OpenApiAggregator:
    def __init__(
        self,
        own_schema: Callable[[], Schema],
        client: httpx.AsyncClient,
        urls: dict[Upstream, httpx.URL],
        cache_seconds: float,
    ) -> None:
        self.own_schema = own_schema
        self.client = client
        self.urls = urls
        self.cache_seconds = cache_seconds
        self._document: Schema | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def document(self) -> Schema:
        if self._document is not None and time.monotonic() < self._expires_at:
            return self._document
        async with self._lock:  # one refresh at a time, however many readers
            if self._document is None or time.monotonic() >= self._expires_at:
                fetched = await asyncio.gather(*(self._fetch(u) for u in self.urls))
                services = {u: s for u, s in zip(self.urls, fetched, strict=True) if s is not None}
                complete = len(services) == len(self.urls)
                self._document = merge_openapi(self.own_schema(), services)
                ttl = self.cache_seconds if complete else INCOMPLETE_CACHE_SECONDS
                self._expires_at = time.monotonic() + ttl
        return self._document

    async def _fetch(self, upstream: Upstream) -> dict[str, Any] | None:
        try:
            response = await self.client.get(self.urls[upstream].join("/openapi.json"))
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document
        except (httpx.HTTPError, ValueError):
            log.warning("could not fetch the %s OpenAPI document", upstream.value, exc_info=True)
            return None
