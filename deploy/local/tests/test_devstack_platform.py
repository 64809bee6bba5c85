"""The four services started by devstack answer /health and /ready, and survive a kill -9."""

import httpx
import pytest


def test_every_service_is_healthy_and_ready(running_platform):
    for name, service in running_platform.services.items():
        for path in ("/health", "/ready"):
            response = httpx.get(f"{service.url}{path}", timeout=10)
            assert response.status_code == 200, f"{name}{path}: {response.text}"


def test_a_killed_service_comes_back_on_its_port(running_platform):
    images = running_platform.services["images"]
    images.kill()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{images.url}/health")

    images.start()

    assert httpx.get(f"{images.url}/ready", timeout=10).status_code == 200
