"""Slow and idle clients are cut off: a stalled body gets 408, a connection whose headers never
complete is closed; a complete request is never timed out while its response streams."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import APIRouter, Request
from starlette.responses import StreamingResponse

from platform_common.app import create_service_app
from platform_common.errors import AppError
from platform_common.http_timeouts import bounded_http_protocol
from platform_common.settings import BaseServiceSettings

TIMEOUT = 0.5


def make_app():
    router = APIRouter()

    @router.post("/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    @router.post("/forward")
    async def forward(request: Request) -> dict:
        # Like a proxy whose HTTP client wraps whatever its body stream raised.
        try:
            return {"bytes": len(await request.body())}
        except Exception as exc:
            raise AppError("upstream unavailable", status_code=503) from exc

    @router.post("/slow-answer")
    async def slow_answer(request: Request) -> StreamingResponse:
        await request.body()

        async def chunks():
            for _ in range(3):
                await asyncio.sleep(TIMEOUT)  # longer gaps than the body timeout, after the body
                yield b"x"

        return StreamingResponse(chunks())

    settings = BaseServiceSettings(client_body_timeout_seconds=TIMEOUT)
    return create_service_app(
        settings, title="t", description="d", routers=[router], readiness_checks={}
    )


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        make_app(), host="127.0.0.1", port=port, log_config=None,
        http=bounded_http_protocol(TIMEOUT),
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=5)


def exchange(address: tuple[str, int], raw: bytes, wait: float = 5) -> tuple[bytes, float]:
    """Send `raw`, then read until the server closes; returns what came back and how long."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=wait) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received, time.monotonic() - started


def test_a_stalled_body_is_answered_408_and_closed(server) -> None:
    raw = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"a" * 10
    answer, waited = exchange(server, raw)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"client_body_timeout" in answer and b"request_id" in answer
    assert waited < 3


def test_the_408_stands_even_when_the_app_wraps_the_timeout(server) -> None:
    raw = b"POST /forward HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"a" * 10
    answer, _ = exchange(server, raw)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"upstream" not in answer


def test_headers_that_never_complete_close_the_connection(server) -> None:
    answer, waited = exchange(server, b"POST /echo HTTP/1.1\r\nHost: x\r\n")
    assert answer == b""
    assert waited < 3


def test_a_connection_that_sends_nothing_is_closed(server) -> None:
    answer, waited = exchange(server, b"")
    assert answer == b""
    assert waited < 3


def test_a_complete_request_is_never_cut_while_the_answer_streams(server) -> None:
    raw = (
        b"POST /slow-answer HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    )
    answer, waited = exchange(server, raw)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert answer.endswith(b"0\r\n\r\n")  # the chunked body ran to its end
    assert waited >= 3 * TIMEOUT


def test_a_body_that_keeps_coming_is_not_cut(server) -> None:
    with socket.create_connection(server, timeout=5) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nConnection: close\r\n\r\n"
        )
        for _ in range(3):
            time.sleep(TIMEOUT / 2)
            sock.sendall(b"ab")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 200") and b'"bytes":6' in answer
