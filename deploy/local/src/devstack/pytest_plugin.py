"""pytest fixtures for the real local stack, registered through the `pytest11` entry point.

Nothing starts at import: `stack` starts PostgreSQL, Kafka, S3 and Redis on free ports in the
session's tmp dir the first time a test asks for it, and `running_platform` adds the four services
only when a test asks for them. Both stop at session end, also after a failure, Ctrl-C or SIGTERM.
"""

import contextlib
import signal
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from devstack.config import StackConfig
from devstack.errors import DevstackError, PortInUse
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

_startup_seconds: dict[str, float] = {}
T = TypeVar("T", Stack, Platform)


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str
    access_key_id: str
    secret_access_key: str
    bucket: str
    region: str


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The running infrastructure; see Stack for env(), database_url(), restart(), ..."""
    root = tmp_path_factory.mktemp("devstack")
    with _sigterm_ends_the_session():
        try:
            the_stack = _start_on_free_ports(lambda: Stack(StackConfig.with_free_ports(root)))
        except DevstackError as exc:
            pytest.fail(f"devstack: {exc}", pytrace=False)
        _startup_seconds["infrastructure"] = the_stack.startup_seconds or 0.0
        try:
            yield the_stack
        finally:
            the_stack.stop()


# Each service writes its spans, one JSON line each, to spans.jsonl in its working directory
# (Platform.span_file), so tests can check that one trace crosses every service.
TEST_PLATFORM_ENV = {"TRACING_EXPORTER": "file", "TRACING_FILE": "spans.jsonl"}


@pytest.fixture(scope="session")
def running_platform(stack: Stack) -> Iterator[Platform]:
    """gateway, auth, images and transformer as subprocesses against `stack`, on free ports."""
    try:
        platform = _start_on_free_ports(
            lambda: Platform(stack, free_ports(), extra_env=TEST_PLATFORM_ENV)
        )
    except DevstackError as exc:
        pytest.fail(f"devstack: {exc}", pytrace=False)
    _startup_seconds["platform"] = platform.startup_seconds or 0.0
    try:
        yield platform
    finally:
        platform.stop()


@pytest.fixture(scope="session")
def stack_env(stack: Stack) -> dict[str, str]:
    return stack.env()


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: Stack) -> str:
    return stack.kafka.bootstrap_servers


@pytest.fixture(scope="session")
def s3_settings(stack: Stack) -> S3Settings:
    env = stack.env()
    return S3Settings(
        endpoint_url=env["S3_ENDPOINT_URL"],
        access_key_id=env["S3_ACCESS_KEY_ID"],
        secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        bucket=env["S3_BUCKET"],
        region=env["S3_REGION"],
    )


@pytest.fixture(scope="session")
def s3_client(stack: Stack) -> Any:
    """A boto3 S3 client for the stack's server (path-style)."""
    return stack.s3.client()


@pytest.fixture(scope="session")
def redis_url(stack: Stack) -> str:
    return stack.redis.url


@pytest.fixture(scope="session")
def database_url_factory(stack: Stack) -> Callable[..., str]:
    """`database_url_factory("prefix")` creates an empty database and returns its SQLAlchemy URL,
    for tests that want a schema of their own."""

    def create(prefix: str = "test") -> str:
        return stack.create_database(f"{prefix}_{uuid.uuid4().hex[:10]}")

    return create


def _start_on_free_ports(make: Callable[[], T]) -> T:
    # A port free when picked can be taken by another test session before our server binds it;
    # fresh ports on a second try beat failing the whole session for it.
    for attempt in range(3):
        started = make()
        try:
            return started.start()
        except PortInUse:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for what, seconds in _startup_seconds.items():
        terminalreporter.write_line(f"devstack: {what} started in {seconds:.1f} s")


@contextlib.contextmanager
def _sigterm_ends_the_session() -> Iterator[None]:
    """SIGTERM (a CI timeout, `kill`) becomes KeyboardInterrupt, so pytest tears the stack down
    instead of dying with it running."""
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
