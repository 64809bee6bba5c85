"""The pooled connections to the services behind the gateway.

One httpx.AsyncClient, created in the lifespan, whose transport is aiohttp's connection pool
(httpx-aiohttp): keep-alive, a connection limit and timeouts, with a C HTTP parser. The proxy
hands requests straight to that transport: what the client layer adds (redirects, cookie jar,
auth flows, hooks) is exactly what a proxy must not do, and it costs ~0.2 ms per request.
Failures come out as UpstreamTimeout / UpstreamUnavailable, so nothing above knows aiohttp.
"""

import asyncio
from collections.abc import AsyncIterator, Callable

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from gateway_service.config import Settings
from gateway_service.domain.routes import Upstream

# What the wrapped transport lets through unmapped, besides httpx's own errors.
_TRANSPORT_ERRORS = (httpx.HTTPError, aiohttp.ClientError, asyncio.TimeoutError, OSError)


class UpstreamError(Exception):
    pass


class UpstreamTimeout(UpstreamError):
    """The service took the connection but did not answer in time."""


class UpstreamUnavailable(UpstreamError):
    """The service could not be reached, or dropped the connection."""


def _classify(exc: BaseException) -> UpstreamError:
    cause = exc.__cause__ or exc
    if isinstance(cause, aiohttp.SocketTimeoutError | httpx.ReadTimeout):
        return UpstreamTimeout(str(exc))
    return UpstreamUnavailable(str(exc) or type(cause).__name__)


def _session_factory(settings: Settings) -> Callable[[], aiohttp.ClientSession]:
    def make_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=settings.upstream_max_connections,
                keepalive_timeout=settings.upstream_keepalive_expiry,
            ),
            # A proxy never keeps one user's cookies to send with another's requests, and sends
            # the client's own headers, not a User-Agent or Accept-Encoding of its own.
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            auto_decompress=False,
        )

    return make_session


class Upstreams:
    def __init__(self, settings: Settings) -> None:
        self.urls = {
            Upstream.AUTH: httpx.URL(settings.auth_url.rstrip("/")),
            Upstream.IMAGES: httpx.URL(settings.images_url.rstrip("/")),
        }
        self.transport = AiohttpTransport(client=_session_factory(settings))
        self.client = httpx.AsyncClient(
            transport=self.transport,
            timeout=httpx.Timeout(
                connect=settings.upstream_connect_timeout,
                read=settings.upstream_read_timeout,
                write=None,
                pool=settings.upstream_pool_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
        )
        self.timeouts = self.client.timeout.as_dict()

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send and return once the response head arrived; the body is read by `body()`."""
        request.extensions["timeout"] = self.timeouts
        try:
            return await self.transport.handle_async_request(request)
        except _TRANSPORT_ERRORS as exc:
            raise _classify(exc) from exc

    async def body(self, response: httpx.Response) -> AsyncIterator[bytes]:
        """The body as it arrives (raw: still compressed if it was sent compressed)."""
        try:
            async for chunk in response.aiter_raw():
                yield chunk
        except _TRANSPORT_ERRORS as exc:
            raise _classify(exc) from exc

    async def aclose(self) -> None:
        await self.client.aclose()
