"""The headers every delivered image carries: CDN caching, and bytes that stay just an image."""

import time

from gateway_service.domain.headers import RawHeaders

ONE_YEAR = 31_536_000

# Even if a browser is tricked into rendering the bytes as a document, it runs nothing.
SAFE_BYTES: RawHeaders = [
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; sandbox"),
    (b"cross-origin-resource-policy", b"cross-origin"),
]
VARY_ACCEPT = (b"vary", b"Accept")
NO_STORE = (b"cache-control", b"no-store")


def cache_control(expires: int | None, now: float | None = None) -> bytes:
    """A year and immutable (the bytes behind a URL never change), or until the URL expires."""
    max_age = ONE_YEAR
    if expires is not None:
        max_age = max(0, min(ONE_YEAR, int(expires - (now or time.time()))))
    return b"public, max-age=%d, immutable" % max_age


def delivered_headers(content: RawHeaders, expires: int | None, vary: bool) -> RawHeaders:
    """`content` holds content-type/-length and etag from the images service."""
    headers = [*content, (b"cache-control", cache_control(expires)), *SAFE_BYTES]
    return [*headers, VARY_ACCEPT] if vary else headers
