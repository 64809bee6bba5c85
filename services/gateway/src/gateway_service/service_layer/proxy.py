"""Forwarding one request to its upstream and streaming the answer back.

Bodies flow through in chunks both ways (a 25 MB upload or download is never whole in the
gateway's memory) with backpressure from the slower side; only small immutable variant bodies
are kept, in the byte-bounded variant cache.
"""

import asyncio
import logging

import httpx
from starlette.types import Receive, Scope, Send

from gateway_service.adapters.metrics import UPSTREAM_ERRORS, VARIANT_CACHE
from gateway_service.adapters.upstream_client import UpstreamError, Upstreams, UpstreamTimeout
from gateway_service.adapters.variant_cache import CachedVariant, VariantCache
from gateway_service.domain.caching import image_id_of, is_immutable
from gateway_service.domain.headers import RawHeaders, client_response_headers, header_value
from gateway_service.domain.rate_policy import TRANSFORM_COST_HEADER
from gateway_service.domain.routes import Upstream, route_label
from gateway_service.service_layer.cached_responses import send_cached
from gateway_service.service_layer.upstream_request import ClientDisconnected, upstream_request
from platform_common.errors import AppError
from platform_common.http_timeouts import ClientBodyTimeout
from platform_common.route_templates import ROUTE_TEMPLATE_HEADER, UNMATCHED, RouteTemplate

log = logging.getLogger(__name__)

# Below this a response is relayed too fast for a vanished client to matter.
WATCH_DISCONNECT_ABOVE_BYTES = 1024 * 1024
# Between the services and the gateway only.
_INTERNAL_HEADERS = frozenset({ROUTE_TEMPLATE_HEADER, TRANSFORM_COST_HEADER})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _client_fault(failure: BaseException) -> BaseException | None:
    """The client's own failure hidden in a transport error: the HTTP client wraps whatever our
    request-body stream raised (the client went away, or stalled past the body timeout)."""
    seen: BaseException | None = failure
    while seen is not None:
        if isinstance(seen, ClientDisconnected | ClientBodyTimeout):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def upstream_failure(upstream: Upstream, failure: UpstreamError) -> AppError:
    name = upstream.value
    if isinstance(failure, UpstreamTimeout):
        UPSTREAM_ERRORS.labels(name, "timeout").inc()
        message = f"The {name} service did not answer in time; try again."
        return AppError(message, code="upstream_timeout", status_code=504)
    UPSTREAM_ERRORS.labels(name, "unavailable").inc()
    return AppError(
        f"The {name} service is unavailable; try again in a moment.",
        code="upstream_unavailable",
        status_code=503,
        headers={"Retry-After": "1"},
    )


class UpstreamProxy:
    def __init__(self, upstreams: Upstreams, cache: VariantCache) -> None:
        self.upstreams = upstreams
        self.cache = cache

    async def forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        upstream: Upstream,
        extra_headers: RawHeaders,
        cache_user: str | None = None,
    ) -> httpx.Headers | None:
        """Relay the request; `cache_user` is set when the response may come from the cache.
        Returns the upstream's response headers (None when it did not answer)."""
        if cache_user is not None:
            cached = self.cache.get(cache_user, scope["path"])
            VARIANT_CACHE.labels("hit" if cached else "miss").inc()
            if cached is not None:
                # Only variant content is cached: its path is that route with ids in it.
                scope["route"] = RouteTemplate(route_label(scope["path"]))
                await send_cached(cached, scope["headers"], send, extra_headers)
                return None
            extra_headers = [*extra_headers, (b"x-gateway-cache", b"miss")]
        try:
            request = upstream_request(scope, receive, self.upstreams.urls[upstream])
            response = await self.upstreams.send(request)
        except ClientDisconnected:
            return None
        except UpstreamError as failure:
            fault = _client_fault(failure)
            if isinstance(fault, ClientDisconnected):
                return None  # nobody to answer; not the upstream's fault either
            if fault is not None:
                raise fault from None  # the client's 408, not an upstream outage
            log.warning("%s upstream failed: %s", upstream.value, failure)
            raise upstream_failure(upstream, failure) from failure
        try:
            await self._relay(response, scope, receive, send, upstream, extra_headers, cache_user)
        finally:
            await response.aclose()
        if (
            scope["method"] == "DELETE"
            and response.is_success
            and (image_id := image_id_of(scope["path"]))
        ):
            self.cache.drop_image(image_id)
        return response.headers

    async def _relay(
        self,
        response: httpx.Response,
        scope: Scope,
        receive: Receive,
        send: Send,
        upstream: Upstream,
        extra_headers: RawHeaders,
        cache_user: str | None,
    ) -> None:
        # The upstream names the route template it matched; our metrics and logs use it.
        template = response.headers.get(ROUTE_TEMPLATE_HEADER.decode())
        scope["route"] = RouteTemplate(template or UNMATCHED)
        headers = client_response_headers(response.headers.raw, drop=_INTERNAL_HEADERS)
        length = header_value(headers, b"content-length")
        size = int(length) if length and length.isdigit() else None
        keep = (
            cache_user is not None
            and response.status_code == 200
            and size is not None
            and size <= self.cache.max_item_bytes
            and is_immutable(header_value(headers, b"cache-control"))
        )
        start = {"type": "http.response.start", "status": response.status_code}
        await send({**start, "headers": headers + extra_headers})
        watcher = None
        if size is None or size > WATCH_DISCONNECT_ABOVE_BYTES:
            watcher = asyncio.create_task(_until_disconnect(receive))
        kept: list[bytes] = []
        pending = b""  # one chunk held back, so the last one goes with more_body=False
        try:
            async for chunk in self.upstreams.body(response):
                if watcher is not None and watcher.done():
                    return  # nobody is listening any more: stop reading the upstream
                if pending:
                    await send({"type": "http.response.body", "body": pending, "more_body": True})
                pending = chunk
                if keep:
                    kept.append(chunk)
        except UpstreamError:
            # Too late for an error response: ending without the last chunk tells the client.
            UPSTREAM_ERRORS.labels(upstream.value, "broken_stream").inc()
            log.warning("the %s response broke off mid-body", upstream.value, exc_info=True)
            return
        finally:
            if watcher is not None:
                watcher.cancel()
        await send({"type": "http.response.body", "body": pending, "more_body": False})
        if keep and cache_user is not None:
            variant = CachedVariant(headers, b"".join(kept), header_value(headers, b"etag"))
            self.cache.put(cache_user, scope["path"], variant)
