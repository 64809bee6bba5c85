"""Gateway test fixtures: the real platform (devstack `running_platform`: auth, images and the
transformer on real PostgreSQL, Kafka, S3 and Redis) plus extra gateway processes started here
with the settings a test needs (tight rate limits, Redis storage, a private events topic)."""

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.ports import HOST, free_port
from devstack.process import ManagedProcess

PASSWORD = "gateway test pass 123"


class GatewayProcess:
    """`python -m gateway_service serve` as a subprocess, so memory and kills are real."""

    def __init__(self, env: dict[str, str], name: str, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        metrics_port = free_port(avoid={self.port})
        self.metrics_url = f"http://{HOST}:{metrics_port}/metrics"
        env = {"METRICS_PORT": str(metrics_port), **env}
        self.process = ManagedProcess(
            name,
            [
                sys.executable,
                "-m",
                "gateway_service",
                "serve",
                "--host",
                HOST,
                "--port",
                str(self.port),
            ],
            log_path=log_dir / f"{name}-{self.port}.log",
            env=env,
            stop_timeout=10,
        )

    def start(self) -> "GatewayProcess":
        self.process.start()
        self.process.wait_ready(
            lambda: httpx.get(f"{self.url}/health", timeout=2).status_code == 200, timeout=60
        )
        return self

    def stop(self) -> None:
        self.process.stop()

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    def memory_kib(self, field: str) -> int:
        """A /proc/<pid>/status figure: VmRSS now, VmHWM the peak so far."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise LookupError(field)

    def metric(self, name: str) -> float:
        text = httpx.get(self.metrics_url, timeout=5).text
        values = [
            float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name)
        ]
        return sum(values)


@pytest.fixture(scope="session")
def platform(running_platform: Any) -> Any:
    return running_platform


@pytest.fixture(scope="session")
def gateway_env(stack: Any, platform: Any) -> dict[str, str]:
    """What every extra gateway gets: the stack, the platform's secret and upstreams."""
    return {
        **os.environ,
        **stack.env(),
        "JWT_SECRET": platform.jwt_secret,
        "AUTH_URL": platform.url("auth"),
        "IMAGES_URL": platform.url("images"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="session")
def start_gateway(
    gateway_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., GatewayProcess]]:
    """`start_gateway(RATE_LIMIT_LOGIN="3/minute")`: a gateway of its own, stopped at the end."""
    started: list[GatewayProcess] = []
    log_dir = tmp_path_factory.mktemp("gateways")

    def start(**settings: str) -> GatewayProcess:
        name = f"gateway-test-{len(started)}"
        gateway = GatewayProcess({**gateway_env, **settings}, name, log_dir)
        started.append(gateway)
        return gateway.start()

    yield start
    for gateway in started:
        gateway.stop()


@pytest.fixture(scope="session")
def gateway_url(platform: Any) -> str:
    """The platform's own gateway: the one `make run` and every client use."""
    return platform.url("gateway")


@pytest.fixture(scope="session")
def gateway_metrics_url(platform: Any) -> str:
    return platform.metrics_url("gateway")


@pytest.fixture(scope="session")
def client(gateway_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        yield client


def _register(client: httpx.Client, prefix: str = "gw") -> dict[str, Any]:
    """A fresh user registered through `client`: its id, name and a bearer header."""
    username = f"{prefix}_{uuid.uuid4().hex[:10]}"
    response = client.post(
        "/auth/register",
        json={"username": username, "email": f"{username}@example.com", "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return {
        "id": body["user"]["id"],
        "username": username,
        "token": body["access_token"],
        "headers": {"Authorization": f"Bearer {body['access_token']}"},
    }


@pytest.fixture(scope="session")
def auth_client(platform: Any) -> Iterator[httpx.Client]:
    """Straight to auth: test users are made there, so the gateway's per-address limit on
    credential routes is spent only by the tests about it."""
    with httpx.Client(base_url=platform.url("auth"), timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def make_user(auth_client: httpx.Client) -> Callable[[], dict[str, Any]]:
    """`make_user()`: a fresh user (id, username, token, bearer headers)."""
    return lambda: _register(auth_client)


@pytest.fixture
def user(make_user: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return make_user()


def _png(width: int = 64, height: int = 48) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def png() -> Callable[..., bytes]:
    """`png(width, height)`: a small real PNG."""
    return _png


def _upload(client: httpx.Client, headers: dict[str, str], data: bytes | None = None) -> dict:
    files = {"file": ("picture.png", data or _png(), "image/png")}
    response = client.post("/images", headers=headers, files=files)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="session")
def upload_image() -> Callable[..., dict]:
    """`upload_image(client, headers, data=None)`: a multipart upload; returns the 201 body."""
    return _upload


@pytest.fixture(scope="session")
def register_via() -> Callable[[httpx.Client], dict[str, Any]]:
    """`register_via(client)`: registers through that client (the gateway, in routing tests)."""
    return _register
