"""The cookie Origin check also guards WebSocket handshakes (cross-site WebSocket hijacking)."""

import pytest
from fastapi import APIRouter, WebSocket
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from platform_common.app import create_service_app
from platform_common.settings import BaseServiceSettings

COOKIE = "access_token=anything"


@pytest.fixture(scope="module")
def client() -> TestClient:
    router = APIRouter()

    @router.websocket("/ws")
    async def feed(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app = create_service_app(
        BaseServiceSettings(), title="t", description="d", routers=[router],
        readiness_checks={}, csrf_origin_check=True,
    )  # fmt: skip
    return TestClient(app)


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
def test_a_cookie_handshake_from_a_foreign_page_is_refused(client, origin) -> None:
    headers = {"Cookie": COOKIE, "Origin": origin}
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.websocket_connect("/ws", headers=headers),
    ):
        pass
    assert refused.value.code == 1008


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": COOKIE, "Origin": "https://testserver"},  # our own page (the test client's host)
        {"Cookie": COOKIE},  # no Origin: not a browser
        {"Authorization": "Bearer x", "Cookie": COOKIE, "Origin": "https://evil.example"},
        {"Origin": "https://evil.example"},  # no cookie: nothing to hijack
    ],
)
def test_other_handshakes_pass(client, headers) -> None:
    with client.websocket_connect("/ws", headers=headers) as websocket:
        assert websocket.receive_text() == "hello"
