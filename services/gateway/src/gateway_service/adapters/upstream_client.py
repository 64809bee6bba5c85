"""The one pooled HTTP client the gateway uses for every upstream call."""

import httpx

from gateway_service.config import Settings
from gateway_service.domain.routes import Upstream


def make_upstream_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(
            connect=settings.upstream_connect_timeout,
            read=settings.upstream_read_timeout,
            write=settings.upstream_write_timeout,
            pool=settings.upstream_pool_timeout,
        ),
        limits=httpx.Limits(
            max_connections=settings.upstream_max_connections,
            max_keepalive_connections=settings.upstream_max_keepalive_connections,
            keepalive_expiry=settings.upstream_keepalive_expiry,
        ),
        # A proxy passes redirects and encodings to the client untouched, and ignores the
        # machine's HTTP(S)_PROXY variables: upstreams are always reached directly.
        follow_redirects=False,
        trust_env=False,
    )


def upstream_urls(settings: Settings) -> dict[Upstream, httpx.URL]:
    return {
        Upstream.AUTH: httpx.URL(settings.auth_url.rstrip("/")),
        Upstream.IMAGES: httpx.URL(settings.images_url.rstrip("/")),
    }
