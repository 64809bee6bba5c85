"""When a service behind the gateway is down or hangs, clients get a clear 503 or 504 in the
platform's error shape, and the gateway recovers by itself once the service is back."""

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.platform import SERVICES, Service
from devstack.ports import free_port


@pytest.fixture(scope="module")
def own_images(stack: Any, platform: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """An images service of this module's own (own database, topics and consumer groups), so
    killing it disturbs nobody else."""
    tag = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        **stack.env(),
        "JWT_SECRET": platform.jwt_secret,
        "DATABASE_URL": stack.create_database(f"images_gw_{tag}"),
        "TOPIC_TRANSFORM_REQUESTED": f"gateway-test.requested.{tag}",
        "TOPIC_TRANSFORM_EVENTS": f"gateway-test.events.{tag}",
        "TOPIC_USER_EVENTS": f"gateway-test.users.{tag}",
        "TRANSFORM_EVENTS_GROUP": f"gateway-test-{tag}",
        "USER_EVENTS_GROUP": f"gateway-test-users-{tag}",
    }
    spec = next(s for s in SERVICES if s.name == "images")
    service = Service(spec, free_port(), env, tmp_path_factory.mktemp("own-images"))
    service.start()
    yield service
    service.stop()


def test_killed_upstream_gives_503_then_recovers(
    own_images: Any, start_gateway: Any, make_user: Any
) -> None:
    gateway = start_gateway(IMAGES_URL=own_images.url)
    user = make_user()
    with httpx.Client(base_url=gateway.url, timeout=30) as edge:
        assert edge.get("/images", headers=user["headers"]).status_code == 200  # pooled now

        own_images.kill()
        down = edge.get("/images", headers=user["headers"])
        assert down.status_code == 503
        error = down.json()["error"]
        assert error["code"] == "upstream_unavailable" and "images" in error["message"]
        assert error["request_id"] == down.headers["x-request-id"]
        assert down.headers["retry-after"] == "1"
        ready = edge.get("/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["auth"] == "ok"
        assert ready.json()["checks"]["images"] != "ok"

        own_images.start()  # same port: the gateway's stale pooled connections must not matter
        assert edge.get("/images", headers=user["headers"]).status_code == 200
        assert edge.get("/ready").status_code == 200


@pytest.fixture
def silent_upstream() -> Iterator[str]:
    """Accepts connections and reads requests, but never answers: a hung service."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_hung_upstream_gives_504(silent_upstream: str, start_gateway: Any, make_user: Any) -> None:
    gateway = start_gateway(IMAGES_URL=silent_upstream, UPSTREAM_READ_TIMEOUT="0.5")
    user = make_user()
    with httpx.Client(base_url=gateway.url, timeout=30) as edge:
        response = edge.get("/images", headers=user["headers"])
    assert response.status_code == 504
    assert response.json()["error"]["code"] == "upstream_timeout"
