"""Auth test fixtures: an isolated database (migrated with Alembic) on the devstack's real
PostgreSQL, a unique user-events topic on its real Kafka, and the app running in-process with
its lifespan (outbox relay and seeded admin) behind a TestClient."""

import asyncio
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from fastapi.testclient import TestClient

from auth_service.config import Settings
from auth_service.entrypoints.api.app import create_app
from auth_service.entrypoints.cli import ALEMBIC_INI
from platform_common.cli import run_migrations
from platform_common.events import Envelope

PASSWORD = "correct horse battery"
ADMIN = {"username": "root-admin", "email": "root-admin@example.com", "password": "admin pass 123"}
# https: the cookie is Secure (the default outside development) and the client honours that.
BASE_URL = "https://testserver"


def _migrated_database(stack: Any, prefix: str) -> str:
    url = stack.create_database(f"{prefix}_{uuid.uuid4().hex[:8]}")
    run_migrations(ALEMBIC_INI, url)
    return url


@pytest.fixture(scope="session")
def make_settings(stack: Any) -> Callable[..., Settings]:
    """Settings over a fresh, migrated database of its own: `make_settings("auth_x", **changes)`."""

    def _make(prefix: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": _migrated_database(stack, prefix),
            "kafka_bootstrap_servers": stack.env()["KAFKA_BOOTSTRAP_SERVERS"],
            "redis_url": stack.env()["REDIS_URL"],
            "environment": "test",
            "log_level": "INFO",
            "bcrypt_rounds": 4,  # the lowest bcrypt allows: the suite hashes a lot
            "jwt_secret": "test-jwt-signing-key-0123456789abcdef",
            # Failing logins are tested on purpose everywhere; the throttle has its own module.
            "login_max_failures_per_username": 1000,
            "login_max_failures_per_address": 1000,
        }
        return Settings(**{**values, **overrides})

    return _make


@pytest.fixture(scope="session")
def settings(stack: Any, make_settings: Callable[..., Settings]) -> Settings:
    topic = f"auth.user.events.test-{uuid.uuid4().hex[:8]}"
    stack.create_topics([topic])
    return make_settings(
        "auth",
        topic_user_events=topic,
        admin_username=ADMIN["username"],
        admin_email=ADMIN["email"],
        admin_password=ADMIN["password"],
    )


@pytest.fixture(scope="session")
def running_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def client(running_client: TestClient) -> TestClient:
    running_client.cookies.clear()
    return running_client


@pytest.fixture
def register(client: TestClient) -> Callable[..., dict[str, Any]]:
    """Registers a fresh user; returns the 201 body plus the password used."""

    def _register(username: str | None = None, password: str = PASSWORD) -> dict[str, Any]:
        username = username or f"user-{uuid.uuid4().hex[:10]}"
        body = {"username": username, "email": f"{username}@example.com", "password": password}
        response = client.post("/auth/register", json=body)
        assert response.status_code == 201, response.text
        return {**response.json(), "password": password}

    return _register


@pytest.fixture
def admin_token(client: TestClient) -> str:
    body = {"username": ADMIN["username"], "password": ADMIN["password"]}
    response = client.post("/auth/login", json=body)
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return response.json()["access_token"]


@pytest.fixture
def wait_for_user_event(settings: Settings) -> Callable[..., Any]:
    """Reads the test's user-events topic from the start until an envelope matches."""

    async def _wait(match: Callable[[Envelope], bool], within: float = 30.0) -> Envelope:
        consumer = AIOKafkaConsumer(
            settings.topic_user_events,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await consumer.start()
        try:
            async with asyncio.timeout(within):
                while True:
                    batches = await consumer.getmany(timeout_ms=500)
                    for records in batches.values():
                        for record in records:
                            envelope = Envelope.from_bytes(record.value)
                            if match(envelope):
                                return envelope
        except TimeoutError:
            raise AssertionError(f"no matching event on {settings.topic_user_events}") from None
        finally:
            await consumer.stop()

    return _wait
