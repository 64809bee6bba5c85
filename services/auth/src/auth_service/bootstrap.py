"""Builds every dependency of the auth service once per process; the API only adapts it."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from auth_service.adapters.orm import outbox
from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.adapters.tokens import TokenIssuer
from auth_service.config import Settings
from auth_service.domain.passwords import PasswordPolicy
from auth_service.service_layer import services
from auth_service.service_layer.login_throttle import ThrottlePolicy
from auth_service.service_layer.revocation_sync import resync_revocations
from auth_service.service_layer.sessions import SessionPolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.db import make_engine, make_session_factory
from platform_common.messaging.outbox_loops import outbox_relay_loops
from platform_common.periodic import run_periodically
from platform_common.security.revocation import RevocationList
from platform_common.security.tokens import TokenVerifier

log = logging.getLogger(__name__)


@dataclass
class AuthService:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    verifier: TokenVerifier  # one verifier (and Redis pool) for the routes and the revocations
    password_hasher: PasswordHasher
    token_issuer: TokenIssuer
    throttle_policy: ThrottlePolicy
    password_policy: PasswordPolicy
    session_policy: SessionPolicy

    @classmethod
    def from_settings(cls, settings: Settings) -> "AuthService":
        engine = make_engine(
            settings.database_url, settings.database_pool_size, hide_parameters=True
        )
        return cls(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            verifier=TokenVerifier(settings, RevocationList(settings.redis_url)),
            password_hasher=PasswordHasher(settings.bcrypt_rounds),
            token_issuer=TokenIssuer(settings),
            throttle_policy=ThrottlePolicy(
                free_failures_per_pair=settings.login_max_failures_per_username,
                free_failures_per_address=settings.login_max_failures_per_address,
                window=timedelta(seconds=settings.login_failure_window_seconds),
                base_delay_seconds=settings.login_delay_base_seconds,
                max_delay_seconds=settings.login_delay_max_seconds,
            ),
            password_policy=PasswordPolicy(settings.password_min_score),
            session_policy=SessionPolicy(
                access_lifetime=timedelta(minutes=settings.access_token_expire_minutes),
                refresh_lifetime=timedelta(days=settings.refresh_token_expire_days),
            ),
        )

    def new_uow(self) -> AuthUnitOfWork:
        # Its commit wakes the outbox relay (PostgreSQL NOTIFY, platform_common.messaging).
        return AuthUnitOfWork(
            self.session_factory,
            user_events_topic=self.settings.topic_user_events,
            revocation_list=self.verifier.revocations,
        )

    def seed_admin(self) -> None:
        created = services.ensure_admin(
            self.new_uow(),
            self.password_hasher,
            self.password_policy,
            username=self.settings.admin_username,
            email=self.settings.admin_email,
            password=self.settings.admin_password,
        )
        log.info("seeded admin %s", "created" if created else "already present")

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The outbox relay and the revocation resync, for as long as the block runs."""
        if self.settings.seeds_admin:
            await asyncio.to_thread(self.seed_admin)
        loops = {
            **outbox_relay_loops(self.engine, outbox, self.settings.kafka_bootstrap_servers),
            "revocation-resync": run_periodically(
                "revocation-resync",
                self.settings.revocation_resync_seconds,
                lambda: resync_revocations(self.new_uow()),
            ),
        }
        tasks = [asyncio.create_task(coro, name=f"auth-{name}") for name, coro in loops.items()]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.engine.dispose()
