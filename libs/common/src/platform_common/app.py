"""The FastAPI app factory every HTTP service uses, so they all look and behave the same."""

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from platform_common.access_log import AccessLogMiddleware
from platform_common.client_address import ClientAddressMiddleware
from platform_common.docs import docs_router, mount_docs_assets
from platform_common.errors import install_error_handlers
from platform_common.http_limits import BodyLimit, BodySizeLimitMiddleware, fixed_limit
from platform_common.http_timeouts import ClientBodyTimeoutMiddleware
from platform_common.http_tracing import TracingMiddleware
from platform_common.logging import configure_logging
from platform_common.observability import MetricsMiddleware, ReadinessCheck, health_router
from platform_common.openapi import install_openapi_conventions
from platform_common.request_context import REQUEST_ID_HEADER, RequestIdMiddleware
from platform_common.security.csrf import CookieOriginCheckMiddleware
from platform_common.security.headers import SecurityHeadersMiddleware
from platform_common.security.revocation import RevocationList
from platform_common.security.tokens import TokenVerifier
from platform_common.settings import BaseServiceSettings
from platform_common.strict_query import STRICT_QUERY
from platform_common.tracing import configure_tracing

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


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
    body_limit: BodyLimit | None = None,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    """`csrf_origin_check`: refuse cookie-authenticated state-changing requests from foreign
    origins (see security/csrf.py). On by default: every service accepts the cookie, so each
    defends itself rather than trusting that only the gateway can reach it.
    `builtin_docs=False` leaves /docs and /openapi.json to the service (the gateway merges).
    `body_limit`: the largest body per (method, path); `settings.max_body_bytes` everywhere by
    default (routes that take files pass their own).
    `token_verifier`: the one the service already built for itself (the gateway's edge), so a
    process has one verifier and one Redis pool; otherwise one is built from the settings."""
    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings)
    app = FastAPI(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[STRICT_QUERY],
        # FastAPI's own pages load their scripts from a CDN; docs_router serves local copies.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if builtin_docs else None,
    )
    install_openapi_conventions(app)
    app.state.settings = settings
    app.state.token_verifier = token_verifier or TokenVerifier(
        settings, RevocationList(settings.redis_url)
    )
    install_error_handlers(app)
    app.include_router(health_router(readiness_checks))
    for router in routers:
        app.include_router(router)
    if builtin_docs:
        app.include_router(docs_router(title))
    mount_docs_assets(app)
    if settings.trusted_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.trusted_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER, "ETag", "Location", "Retry-After"],
        )
    if csrf_origin_check:
        app.add_middleware(CookieOriginCheckMiddleware, trusted_origins=settings.trusted_origins)
    # Inside the request-id middleware, so a 408 or 413 for a body carries the request id.
    app.add_middleware(
        BodySizeLimitMiddleware, limit=body_limit or fixed_limit(settings.max_body_bytes)
    )
    app.add_middleware(ClientBodyTimeoutMiddleware, timeout=settings.client_body_timeout_seconds)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    # Before anything reads scope["client"]: limits, throttles and logs see the real client.
    app.add_middleware(ClientAddressMiddleware, trusted_proxies=settings.trusted_proxies)
    app.add_middleware(MetricsMiddleware, announce_route=settings.announce_route_template)
    app.add_middleware(TracingMiddleware)
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line has the id
    return app
