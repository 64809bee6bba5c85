"""Fixtures for the images service tests: the app and its worker in-process, on the REAL
PostgreSQL, Kafka and S3 of the devstack `stack` fixture.

Each test session gets its own database and its own topic names and consumer groups, so these
tests never see (or disturb) other services' messages on the shared broker.
"""

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
import pyvips
from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from sqlalchemy import text

from images_service.config import Settings
from images_service.entrypoints.api.app import create_app
from images_service.entrypoints.cli import ALEMBIC_INI
from images_service.entrypoints.worker.loops import running as worker_running
from platform_common.cli import run_migrations
from platform_common.events import Envelope, Event, TransformSucceeded
from platform_common.messaging.publisher import make_producer, publish
from platform_common.s3 import make_s3_client
from platform_common.security.tokens import issue_token

TEST_JWT_SECRET = "images-tests-jwt-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def images_settings(stack: Any) -> Settings:
    run = uuid.uuid4().hex[:8]
    database_url = stack.create_database(f"images_test_{run}")
    run_migrations(ALEMBIC_INI, database_url)
    env = {name.lower(): value for name, value in stack.env().items()}
    env = {name: value for name, value in env.items() if name in Settings.model_fields}
    env.pop("environment", None)
    settings = Settings(
        **env,
        environment="test",
        database_url=database_url,
        database_pool_size=5,
        jwt_secret=TEST_JWT_SECRET,
        max_upload_bytes=2 * 1024 * 1024,
        onthefly_wait_seconds=1.5,
        topic_transform_requested=f"images-test-{run}.transform.requested",
        topic_transform_events=f"images-test-{run}.transform.events",
        topic_transform_dlq=f"images-test-{run}.transform.dlq",
        topic_user_events=f"images-test-{run}.user.events",
        topic_image_events=f"images-test-{run}.events",
        transform_events_group=f"images-test-{run}-transform-events",
        user_events_group=f"images-test-{run}-user-events",
        webhooks_group=f"images-test-{run}-webhooks",
        # Webhook endpoints here point at a closed loopback port: nothing leaves the machine.
        webhook_allowed_networks=["127.0.0.1/32"],
        webhook_public_addresses=False,
        fetch_public_addresses=False,
        kafka_topic_partitions=2,
    )
    # Created up front: a consumer that subscribes before its topic exists (the transformer
    # worker in the end-to-end test) would ignore it until its next metadata refresh.
    stack.create_topics(
        [
            settings.topic_transform_requested,
            settings.topic_transform_events,
            settings.topic_transform_dlq,
            settings.topic_user_events,
            settings.topic_image_events,
        ],
        partitions=2,
    )
    return settings


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def images_app(images_settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(images_settings)
    # The worker's loops run beside the API here (in production, their own process), sharing
    # the API's bootstrapped service.
    async with app.router.lifespan_context(app), worker_running(app.state.images):
        yield app


@pytest_asyncio.fixture(loop_scope="session")
async def client(images_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=images_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://images.test") as c:
        yield c


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    headers: dict[str, str]


@pytest.fixture
def make_user(images_settings: Settings) -> Callable[..., User]:
    def make(role: str = "user") -> User:
        user_id = uuid.uuid4()
        token, _ = issue_token(
            subject=str(user_id),
            role=role,
            signing_key=images_settings.jwt_secret,
            algorithm="HS256",
            issuer=images_settings.jwt_issuer,
            audience=images_settings.jwt_audience,
            expires_in_seconds=600,
        )
        return User(user_id, {"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user()


def image_bytes(fmt: str = "png", width: int = 64, height: int = 48, **save: Any) -> bytes:
    """A real image made by libvips: a colour gradient, so every format has content."""
    gradient = pyvips.Image.xyz(width, height)
    rgb = (gradient[0] * (255 / max(width - 1, 1))).bandjoin(
        [gradient[1] * (255 / max(height - 1, 1)), gradient[0] * 0 + 128]
    )
    return rgb.cast("uchar").write_to_buffer(f".{fmt}", **save)


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    return image_bytes


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def upload(client: httpx.AsyncClient) -> Callable[..., Any]:
    async def do(
        owner: User, data: bytes, filename: str = "photo.png", content_type: str = "image/png"
    ) -> httpx.Response:
        return await client.post(
            "/images", headers=owner.headers, files={"file": (filename, data, content_type)}
        )

    return do


@pytest.fixture
def uploaded(upload: Callable[..., Any]) -> Callable[..., Any]:
    """Upload a fresh PNG and return its JSON (asserting the 201)."""

    async def do(owner: User, width: int = 64, height: int = 48, fmt: str = "png") -> dict:
        response = await upload(owner, image_bytes(fmt, width, height), f"a.{fmt}", f"image/{fmt}")
        assert response.status_code == 201, response.text
        return response.json()

    return do


@pytest.fixture(scope="session")
def s3(images_settings: Settings) -> Any:
    return make_s3_client(images_settings)


@pytest.fixture
def object_keys(s3: Any, images_settings: Settings) -> Callable[[str], list[str]]:
    def keys(prefix: str) -> list[str]:
        found = s3.list_objects_v2(Bucket=images_settings.s3_bucket, Prefix=prefix)
        return [item["Key"] for item in found.get("Contents", [])]

    return keys


@pytest.fixture
def sql(images_app: FastAPI) -> Callable[..., Any]:
    """Run SQL against the test database (to look at rows or age them)."""

    def run(statement: str, **params: Any) -> list[Any]:
        with images_app.state.images.engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    return run


@pytest_asyncio.fixture(loop_scope="session")
async def send_event(images_settings: Settings) -> AsyncIterator[Callable[..., Any]]:
    producer = make_producer(images_settings.kafka_bootstrap_servers)
    await producer.start()

    async def send(topic: str, key: str, event: Event | Envelope) -> None:
        await publish(producer, topic, key, event)

    yield send
    await producer.stop()


@pytest.fixture
def report_succeeded(
    send_event: Callable[..., Any], images_settings: Settings
) -> Callable[..., Any]:
    """Sends the TransformSucceeded the transformer would for a transformation of the user's
    (`size`: the bytes of the object the test put at the variant's key)."""

    async def report(
        user: Any, image_id: str, transformation_id: str, fmt: str = "png", size: int = 10
    ) -> None:
        succeeded = TransformSucceeded(
            transformation_id=uuid.UUID(transformation_id),
            image_id=uuid.UUID(image_id),
            owner_id=user.id,
            format=fmt,
            width=20,
            height=15,
            bytes=size,
            duration_ms=3,
        )
        await send_event(images_settings.topic_transform_events, image_id, succeeded)

    return report


async def read_topic(
    bootstrap_servers: str,
    topic: str,
    matches: Callable[[Envelope], bool],
    *,
    want: int = 1,
    within_seconds: float = 30.0,
    settle_seconds: float = 0.0,
) -> list[tuple[bytes | None, Envelope]]:
    """(key, envelope) of the topic's messages that match, from the beginning; waits for `want`
    of them, then keeps reading `settle_seconds` longer to catch any duplicates."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[tuple[bytes | None, Envelope]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_seconds
    try:
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    envelope = Envelope.from_bytes(record.value)
                    if matches(envelope):
                        found.append((record.key, envelope))
            if len(found) >= want:
                deadline = min(deadline, loop.time() + settle_seconds)
                if settle_seconds == 0:
                    break
    finally:
        await consumer.stop()
    return found


@pytest.fixture
def topic_reader(images_settings: Settings) -> Callable[..., Any]:
    def read(topic: str, matches: Callable[[Envelope], bool], **options: Any) -> Any:
        return read_topic(images_settings.kafka_bootstrap_servers, topic, matches, **options)

    return read


async def eventually(check: Callable[[], Any], within_seconds: float = 20.0) -> Any:
    """Poll `check` (sync or async) until it returns something truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_seconds
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result or loop.time() > deadline:
            return result
        await asyncio.sleep(0.1)


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    return eventually
