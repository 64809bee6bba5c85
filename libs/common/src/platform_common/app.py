"""The FastAPI app factory every HTTP service uses, so they all look and behave the same."""

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from platform_common.errors import install_error_handlers
from platform_common.http_timeouts import ClientBodyTimeoutMiddleware
from platform_common.logging import configure_logging
from platform_common.observability import MetricsMiddleware, ReadinessCheck, health_router
from platform_common.request_context import REQUEST_ID_HEADER, RequestIdMiddleware
from platform_common.security.csrf import CookieOriginCheckMiddleware
from platform_common.security.revocation import RevocationList
from platform_common.security.tokens import TokenVerifier
from platform_common.settings import BaseServiceSettings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None] | AsyncIterator[None]]


def create_service_app(
    settings: BaseServiceSettings,
    *,
    title: str,
    description: str,
    routers: Iterable[APIRouter],
    readiness_checks: dict[str, ReadinessCheck],
    lifespan: Lifespan | None = None,
    csrf_origin_check: bool = True,
    builtin_docs: bool = True,
) -> FastAPI:
    """`csrf_origin_check`: refuse cookie-authenticated state-changing requests from foreign
    origins (see security/csrf.py). On by default: every service accepts the cookie, so each
    defends itself rather than trusting that only the gateway can reach it.
    `builtin_docs=False` leaves /docs and /openapi.json to the service (the gateway merges)."""
    configure_logging(settings.service_name, settings.log_level)
    no_docs = {"openapi_url": None, "docs_url": None, "redoc_url": None}
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        **({} if builtin_docs else no_docs),
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings, RevocationList(settings.redis_url))
    install_error_handlers(app)
    app.include_router(health_router(readiness_checks))
    for router in routers:
        app.include_router(router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER, "ETag", "Location", "Retry-After"],
        )
    if csrf_origin_check:
        trusted = [*settings.cors_origins, *settings.csrf_trusted_origins]
        app.add_middleware(CookieOriginCheckMiddleware, trusted_origins=trusted)
    # Inside the request-id middleware, so a 408 for a stalled body carries the request id.
    app.add_middleware(ClientBodyTimeoutMiddleware, timeout=settings.client_body_timeout_seconds)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line has the id
    return app
