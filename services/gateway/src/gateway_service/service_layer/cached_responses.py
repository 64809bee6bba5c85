"""Answering from the variant cache: the body, or 304 when the client already has it."""

from starlette.types import Send

from gateway_service.adapters.variant_cache import CachedVariant
from gateway_service.domain.caching import etag_matches
from gateway_service.domain.headers import RawHeaders, header_value

# What a 304 repeats of the full response (RFC 9110 15.4.5).
_NOT_MODIFIED_HEADERS = frozenset({b"etag", b"cache-control", b"expires", b"vary"})
_HIT = (b"x-gateway-cache", b"hit")


async def send_cached(
    cached: CachedVariant, request_headers: RawHeaders, send: Send, extra: RawHeaders
) -> None:
    if etag_matches(header_value(request_headers, b"if-none-match"), cached.etag):
        headers = [(k, v) for k, v in cached.headers if k in _NOT_MODIFIED_HEADERS]
        await send(
            {"type": "http.response.start", "status": 304, "headers": [*headers, *extra, _HIT]}
        )
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [*cached.headers, *extra, _HIT]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": cached.body})
