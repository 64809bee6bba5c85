"""Bounded requests: every HTTP service refuses a body over its route's limit while it streams
in (413, the rest never read) and refuses oversized headers (431), so one anonymous client
cannot make a service hold hundreds of megabytes. Memory is the bound that matters: each
service's RSS is measured before and after a 150 MB login body."""

import contextlib
import socket
from urllib.parse import urlsplit

import psutil
import pytest
from e2e_kit.platform import PlatformControl

MIB = 1024 * 1024
BODY_BYTES = 150 * MIB
CHUNK = b"x" * MIB
# Far below the 150 MB sent: what TCP buffers and one limit's worth of body can account for.
RSS_GROWTH_LIMIT = 24 * MIB
SENT_LIMIT = 32 * MIB
HTTP_SERVICES = ("gateway", "auth", "images")


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _send_until_answered(url: str, path: str, *, declared: bool) -> tuple[bytes, int]:
    """POST a 150 MB body a megabyte at a time (with Content-Length, or chunked) and stop as
    soon as the server answers or closes; returns (status line, body bytes sent)."""
    framing = f"Content-Length: {BODY_BYTES}" if declared else "Transfer-Encoding: chunked"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n"
    ).encode()
    sent = 0
    with socket.create_connection(_address(url), timeout=30) as sock:
        sock.sendall(head)
        sock.settimeout(0.0)
        try:
            while sent < BODY_BYTES:
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        break  # the answer is there: stop sending
                except BlockingIOError:
                    pass
                sock.settimeout(30)
                sock.sendall(CHUNK if declared else b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
                sock.settimeout(0.0)
                sent += len(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed after its answer, which is still readable below
        sock.settimeout(30)
        answer = b""
        try:
            while b"\r\n" not in answer and (chunk := sock.recv(65536)):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer.split(b"\r\n", 1)[0], sent


def _rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("service", HTTP_SERVICES)
def test_a_150_mb_login_body_is_refused_early_and_memory_stays_flat(
    platform: PlatformControl, service: str, declared: bool
) -> None:
    url = platform.platform.url(service)
    path = "/auth/login" if service != "images" else "/images/uploads"
    pid = platform.pids()[service]
    before = _rss(pid)

    status, sent = _send_until_answered(url, path, declared=declared)

    assert status.startswith(b"HTTP/1.1 413"), status
    assert sent < SENT_LIMIT, f"{sent} bytes were read before the refusal"
    assert _rss(pid) - before < RSS_GROWTH_LIMIT


@pytest.mark.parametrize("service", HTTP_SERVICES)
def test_oversized_headers_are_refused_with_431(platform: PlatformControl, service: str) -> None:
    head = (
        f"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: {'a' * 200_000}\r\n\r\n"
    ).encode()
    with socket.create_connection(_address(platform.platform.url(service)), timeout=30) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head)  # refused part-way through: the answer is still readable
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"headers_too_large" in answer
