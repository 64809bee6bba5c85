"""The auth HTTP application: adapts the bootstrapped service to HTTP; its lifespan runs the
service's outbox relay and revocation resync (auth has no worker process of its own)."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from auth_service.bootstrap import AuthService
from auth_service.config import Settings, get_settings
from auth_service.entrypoints.api.routes import auth, jwks, sessions, users
from platform_common.app import create_service_app
from platform_common.db import ping


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    service = AuthService.from_settings(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with service.running():
            yield

    app = create_service_app(
        settings,
        title="Auth service",
        description="Accounts and access tokens.",
        routers=[auth.router, sessions.router, users.router, jwks.router],
        readiness_checks={"database": lambda: ping(service.engine)},
        lifespan=lifespan,
    )
    app.state.auth = service
    app.state.token_verifier = service.verifier
    return app
