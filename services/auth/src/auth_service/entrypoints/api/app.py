"""The auth HTTP application: wiring of adapters into app.state, and the lifespan that runs the
outbox relay and seeds the first admin."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import FastAPI

from auth_service.adapters.orm import outbox
from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.adapters.tokens import TokenIssuer
from auth_service.config import Settings, get_settings
from auth_service.domain.passwords import PasswordPolicy
from auth_service.entrypoints.api.routes import auth, jwks, sessions, users
from auth_service.service_layer import services
from auth_service.service_layer.login_throttle import ThrottlePolicy
from auth_service.service_layer.revocation_sync import resync_revocations
from auth_service.service_layer.sessions import SessionPolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.app import create_service_app
from platform_common.db import make_engine, make_session_factory, ping
from platform_common.outbox import OutboxRelay
from platform_common.periodic import run_periodically

log = logging.getLogger(__name__)


def _seed_admin(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    uow = AuthUnitOfWork(app.state.session_factory, user_events_topic=settings.topic_user_events)
    created = services.ensure_admin(
        uow,
        app.state.password_hasher,
        app.state.password_policy,
        username=settings.admin_username,
        email=settings.admin_email,
        password=settings.admin_password,
    )
    log.info("seeded admin %s", "created" if created else "already present")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    relay = OutboxRelay(app.state.engine, outbox, settings.kafka_bootstrap_servers)
    loop = asyncio.get_running_loop()
    # Commits happen in worker threads; asyncio.Event.set must run on the loop's own thread.
    app.state.wake_outbox_relay = lambda: loop.call_soon_threadsafe(relay.wake)
    if settings.seeds_admin:
        await asyncio.to_thread(_seed_admin, app)
    relay_task = asyncio.create_task(relay.run(), name="auth-outbox-relay")
    resync_task = asyncio.create_task(
        run_periodically(
            "revocation-resync",
            settings.revocation_resync_seconds,
            lambda: resync_revocations(app.state.new_uow()),
        ),
        name="auth-revocation-resync",
    )
    try:
        yield
    finally:
        for task in (relay_task, resync_task):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        app.state.wake_outbox_relay = None
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url, settings.database_pool_size, hide_parameters=True)
    app = create_service_app(
        settings,
        title="Auth service",
        description="Accounts and access tokens.",
        routers=[auth.router, sessions.router, users.router, jwks.router],
        readiness_checks={"database": lambda: ping(engine)},
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.password_hasher = PasswordHasher(settings.bcrypt_rounds)
    app.state.token_issuer = TokenIssuer(settings)
    app.state.throttle_policy = ThrottlePolicy(
        free_failures_per_pair=settings.login_max_failures_per_username,
        free_failures_per_address=settings.login_max_failures_per_address,
        window=timedelta(seconds=settings.login_failure_window_seconds),
        base_delay_seconds=settings.login_delay_base_seconds,
        max_delay_seconds=settings.login_delay_max_seconds,
    )
    app.state.password_policy = PasswordPolicy(settings.password_min_score)
    app.state.session_policy = SessionPolicy(
        access_lifetime=timedelta(minutes=settings.access_token_expire_minutes),
        refresh_lifetime=timedelta(days=settings.refresh_token_expire_days),
    )
    app.state.wake_outbox_relay = None  # set by the lifespan, once the relay runs

    def new_uow() -> AuthUnitOfWork:
        return AuthUnitOfWork(
            app.state.session_factory,
            user_events_topic=settings.topic_user_events,
            after_events_committed=app.state.wake_outbox_relay,
            revocation_list=app.state.token_verifier.revocations,
        )

    app.state.new_uow = new_uow
    return app
