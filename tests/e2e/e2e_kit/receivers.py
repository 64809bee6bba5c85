"""Loopback servers the outbound tests point the platform at: a webhook receiver that records
what it gets, an origin that serves chosen responses, and a listener that only counts
connections (for proving that none was made)."""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0  # what the server answered


@dataclass
class Recorder:
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.requests)


# (request) -> (status, headers, body)
Responder = Callable[[Received], tuple[int, dict[str, str], bytes]]


@contextmanager
def http_server(host: str, respond: Responder) -> Iterator[tuple[str, Recorder]]:
    """An HTTP server on `host` (a loopback address), yielding its base URL and what it saw."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            received = Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                self.rfile.read(length))  # fmt: skip
            status, headers, body = respond(received)
            received.status = status
            with recorder.lock:
                recorder.requests.append(received)
            self.send_response(status)
            for name, value in {**headers, "content-length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


class ConnectionCounter:
    """A listening socket nobody accepts on: a connection attempt completes in the kernel's
    backlog whatever we do, so draining the backlog counts every attempt ever made."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.port: int = sock.getsockname()[1]
        self.connections = 0

    def seen(self) -> int:
        while True:
            try:
                connection, _ = self.sock.accept()
            except BlockingIOError:
                return self.connections
            self.connections += 1
            connection.close()


@contextmanager
def counting_listener(host: str = "127.0.0.1") -> Iterator[ConnectionCounter]:
    sock = socket.socket()
    sock.bind((host, 0))
    sock.listen(64)
    sock.setblocking(False)
    try:
        yield ConnectionCounter(sock)
    finally:
        sock.close()
