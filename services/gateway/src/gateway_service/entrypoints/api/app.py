"""The gateway HTTP application: the platform's one front door."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gateway_service.bootstrap import Gateway
from gateway_service.config import Settings, get_settings
from gateway_service.domain.routes import Upstream
from gateway_service.entrypoints.api.routes import docs, live
from gateway_service.entrypoints.api.routes.proxy import proxy_routes
from platform_common.app import create_service_app
from platform_common.security.revocation import RevocationList
from platform_common.security.tokens import TokenVerifier

DESCRIPTION = """
The image platform behind one address. `/auth/*`, `/users/*` and `/.well-known/*` are served by
the auth service; `/images/*` and `/admin/*` by the images service. Use **Authorize** (it calls
`POST /auth/token`) to try the protected routes.

Live status of your transformations: Server-Sent Events at `GET /events` and a WebSocket at
`/ws` (token from `?token=`, the Authorization header or the `access_token` cookie).

Rate limits answer 429 with `Retry-After` and `RateLimit-*` headers.
"""


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
        routers=[docs.router, live.router],
        readiness_checks={u.value: gateway.upstream_check(u) for u in Upstream},
        lifespan=lifespan,
        builtin_docs=False,
        # The edge refuses cookie-authenticated writes from foreign origins (CSRF), on top of
        # the cookie's SameSite=Lax; Bearer-authenticated and same-origin requests pass.
    )
    app.state.gateway = gateway
    app.state.token_verifier = verifier  # one verifier (and Redis pool) for edge and routes
    # First in line: most requests are proxied, and no gateway route shares their prefixes.
    app.router.routes[:0] = proxy_routes(gateway)
    return app
