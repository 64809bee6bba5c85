"""The auth HTTP application."""

from fastapi import FastAPI

from auth_service.config import Settings, get_settings
from platform_common.app import create_service_app
from platform_common.db import make_engine, ping


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url, settings.database_pool_size)
    app = create_service_app(
        settings,
        title="Auth service",
        description="Accounts and access tokens.",
        routers=[],
        readiness_checks={"database": lambda: ping(engine)},
    )
    app.state.engine = engine
    return app
