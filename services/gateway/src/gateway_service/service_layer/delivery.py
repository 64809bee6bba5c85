"""Serving a verified delivery URL: budgets, the gateway's cache, then the images service.

Every request spends one of the account's delivery reads; only a request that makes the images
service start a new render spends a render (the gateway says whether one is allowed; images
reports whether it started one). Hot variants come from the byte-bounded variant cache, keyed
under their image's id so deleting the image through this gateway drops them at once.
"""

import uuid
from urllib.parse import urlencode

import httpx
from starlette.types import Send

from gateway_service.adapters.rate_limiter import RateLimiter
from gateway_service.adapters.upstream_client import UpstreamError, Upstreams
from gateway_service.adapters.variant_cache import CachedVariant, VariantCache
from gateway_service.domain.caching import etag_matches
from gateway_service.domain.delivery_headers import NO_STORE, delivered_headers
from gateway_service.domain.headers import RawHeaders, client_response_headers, header_value
from gateway_service.domain.rate_policy import LimitCategory
from gateway_service.domain.routes import Upstream
from gateway_service.service_layer.delivery_auth import VerifiedDelivery
from gateway_service.service_layer.proxy import upstream_failure
from platform_common.errors import AppError
from platform_common.request_context import current_request_id, new_request_id

CONTENT_HEADERS = frozenset({b"content-type", b"content-length", b"etag"})
_NOT_MODIFIED = frozenset({b"etag", b"cache-control", b"vary"})
_INTERNAL = frozenset({b"x-delivery-rendered", b"x-delivery-format-open"})
# The cache entry remembers whether the format was negotiated (for Vary) in this header.
_FORMAT_OPEN = b"x-delivery-format-open"


def cache_path(verified: VerifiedDelivery, negotiated: str | None) -> str:
    return f"/images/{verified.path.image_id}/d{verified.path.signed_path}#{negotiated or ''}"


def _budget_exceeded(what: str, retry_after: int) -> AppError:
    return AppError(
        f"Too many {what} for this account; try again in {retry_after} s.",
        code="rate_limited",
        status_code=429,
        headers={"Retry-After": str(retry_after)},
    )


class DeliveryService:
    def __init__(
        self,
        upstreams: Upstreams,
        cache: VariantCache,
        limiter: RateLimiter | None,
        internal_token: str,
    ) -> None:
        self.upstreams = upstreams
        self.cache = cache
        self.limiter = limiter
        self.internal_token = internal_token.encode()

    async def spend_read(self, account_id: uuid.UUID) -> None:
        if self.limiter is None:
            return
        decision = await self.limiter.hit(LimitCategory.DELIVERY_READS, f"account:{account_id}")
        if not decision.allowed:
            raise _budget_exceeded("image requests", max(1, int(decision.reset_after)))

    async def serve(
        self,
        verified: VerifiedDelivery,
        negotiated: str | None,
        request_headers: RawHeaders,
        head_only: bool,
        send: Send,
    ) -> None:
        account = f"delivery:{verified.path.account_id}"
        key = cache_path(verified, negotiated)
        cached = self.cache.get(account, key) if self.cache.enabled else None
        if cached is None:
            cached = await self._from_images(verified, negotiated, request_headers, head_only, send)
            if cached is None:
                return  # already answered (an error or a 304)
            if self.cache.enabled and len(cached.body) <= self.cache.max_item_bytes:
                self.cache.put(account, key, cached)
            hit = b"miss"
        else:
            hit = b"hit"
        vary = header_value(cached.headers, _FORMAT_OPEN) == b"1"
        content = [(k, v) for k, v in cached.headers if k in CONTENT_HEADERS]
        headers = delivered_headers(content, verified.options.expires, vary)
        headers.append((b"x-gateway-cache", hit))
        if etag_matches(header_value(request_headers, b"if-none-match"), cached.etag):
            await self._send(send, 304, [(k, v) for k, v in headers if k in _NOT_MODIFIED], b"")
            return
        await self._send(send, 200, headers, b"" if head_only else cached.body)

    async def _from_images(
        self,
        verified: VerifiedDelivery,
        negotiated: str | None,
        request_headers: RawHeaders,
        head_only: bool,
        send: Send,
    ) -> CachedVariant | None:
        account_id = verified.path.account_id
        response = await self._request(verified, negotiated, request_headers)
        try:
            headers = client_response_headers(response.headers.raw)
            if response.headers.get("x-delivery-rendered") == "1" and self.limiter is not None:
                await self.limiter.hit(LimitCategory.DELIVERY_RENDERS, f"account:{account_id}")
            if response.status_code == 200:
                body = b"".join([chunk async for chunk in self.upstreams.body(response)])
                kept = [(k, v) for k, v in headers if k in CONTENT_HEADERS or k == _FORMAT_OPEN]
                return CachedVariant(kept, body, header_value(headers, b"etag"))
            body = b"".join([chunk async for chunk in self.upstreams.body(response)])
        except UpstreamError as failure:
            raise upstream_failure(Upstream.IMAGES, failure) from failure
        finally:
            await response.aclose()
        if response.status_code == 304:
            vary = response.headers.get("x-delivery-format-open") == "1"
            content = [(k, v) for k, v in headers if k == b"etag"]
            sent = [
                (k, v)
                for k, v in delivered_headers(content, verified.options.expires, vary)
                if k in _NOT_MODIFIED
            ]
            await self._send(send, 304, sent, b"")
            return None
        # An error in the shared shape (404 deleted, 400 options, 429 renders, 503 rendering).
        kept = [(k, v) for k, v in headers if k not in _INTERNAL and k != b"cache-control"]
        await self._send(send, response.status_code, [*kept, NO_STORE], b"" if head_only else body)
        return None

    async def _request(
        self, verified: VerifiedDelivery, negotiated: str | None, request_headers: RawHeaders
    ) -> httpx.Response:
        path = verified.path
        limiter = self.limiter
        render = limiter is None or await limiter.test(
            LimitCategory.DELIVERY_RENDERS, f"account:{path.account_id}"
        )
        query: list[tuple[str, str]] = [("options", option) for option in path.options]
        query += [("extension", path.extension)] if path.extension else []
        query += [("negotiated", negotiated)] if negotiated else []
        query.append(("render", "true" if render else "false"))
        url = self.upstreams.urls[Upstream.IMAGES].join(
            f"/internal/delivery/{path.account_id}/images/{path.image_id}"
        )
        headers = [
            (b"x-internal-token", self.internal_token),
            (b"x-request-id", (current_request_id() or new_request_id()).encode()),
        ]
        if (tag := header_value(request_headers, b"if-none-match")) is not None:
            headers.append((b"if-none-match", tag))
        request = httpx.Request(
            "GET", url.copy_with(query=urlencode(query).encode()), headers=headers
        )
        try:
            return await self.upstreams.send(request)
        except UpstreamError as failure:
            raise upstream_failure(Upstream.IMAGES, failure) from failure

    @staticmethod
    async def _send(send: Send, status: int, headers: RawHeaders, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
