"""The gateway HTTP application: the platform's one front door."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway_service.bootstrap import Gateway
from gateway_service.config import Settings, get_settings
from gateway_service.domain.routes import Upstream
from gateway_service.entrypoints.api.routes import console, docs, live
from gateway_service.entrypoints.api.routes.delivery import delivery_routes
from gateway_service.entrypoints.api.routes.proxy import proxy_routes
from gateway_service.entrypoints.api.unmatched import rate_limited_not_found
from platform_common.app import create_service_app
from platform_common.errors import error_response
from platform_common.http_limits import upload_body_limit
from platform_common.security.revocation import RevocationList
from platform_common.security.tokens import TokenVerifier

DESCRIPTION = """
The image platform behind one address. `/auth/*`, `/users/*` and `/.well-known/*` are served by
the auth service; `/images/*` and `/admin/*` by the images service. Use **Authorize** (it calls
`POST /auth/token`) to try the protected routes.

Live status of your transformations: Server-Sent Events at `GET /events` and a WebSocket at
`/ws` (token from `?token=`, the Authorization header or the `access_token` cookie).

Public images: signed URLs in imgproxy's format at `/d/{account id}/{signature}/{options}/plain/
{image id}@{extension}`, no credentials needed (keys: `/delivery/keys`; see the README).

Rate limits answer 429 with `Retry-After` and `RateLimit-*` headers.
"""


async def _not_found(request: Request) -> Response:
    return error_response(404, "not_found", "Not found")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    verifier = TokenVerifier(settings, RevocationList(settings.redis_url))
    gateway = Gateway.from_settings(settings, verifier)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with gateway.running(app.openapi):
            yield

    app = create_service_app(
        settings,
        title="Image platform",
        description=DESCRIPTION,
        routers=[docs.router, live.router, *([console.router] if settings.console_enabled else [])],
        readiness_checks={u.value: gateway.upstream_check(u) for u in Upstream},
        lifespan=lifespan,
        builtin_docs=False,
        body_limit=upload_body_limit(settings.max_body_bytes, settings.max_upload_bytes),
        # The edge refuses cookie-authenticated writes from foreign origins (CSRF), on top of
        # the cookie's SameSite=Lax; Bearer-authenticated and same-origin requests pass.
        csrf_origin_check=True,
        token_verifier=verifier,  # one verifier (and Redis pool) for the edge and the routes
    )
    app.state.gateway = gateway
    # The edge serves /metrics on its metrics port only (adapters/metrics_server.py): on the
    # public port it is an unknown path, matched before the shared health router's.
    app.router.routes.insert(0, Route("/metrics", _not_found, include_in_schema=False))
    # First in line: most requests are proxied, and no gateway route shares their prefixes.
    app.router.routes[:0] = proxy_routes(gateway) + delivery_routes(gateway)
    app.router.default = rate_limited_not_found(gateway, app.router.default)
    return app
