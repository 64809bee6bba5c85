"""The FastAPI app factory every HTTP service uses, so they all look and behave the same."""

from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from platform_common.errors import install_error_handlers
from platform_common.logging import configure_logging
from platform_common.observability import MetricsMiddleware, ReadinessCheck, health_router
from platform_common.request_context import REQUEST_ID_HEADER, RequestIdMiddleware
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
) -> FastAPI:
    configure_logging(settings.service_name, settings.log_level)
    app = FastAPI(title=title, description=description, version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier(settings)
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
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)  # outermost: every log line has the id
    return app
