"""Deadlines for slow or idle clients, which uvicorn does not enforce on its own.

uvicorn's keep-alive timer covers only the quiet time between two requests: a client that opens a
connection and sends its headers one byte at a time, or announces a 25 MB body and then stalls,
holds a connection (and, in the gateway, an upstream connection) for as long as it likes. Two
guards close that gap, both measured between two reads, like nginx's client_*_timeout:

- `ClientBodyTimeoutMiddleware` (ASGI): a request whose next body chunk does not arrive within
  the timeout is answered 408 `client_body_timeout` and its connection closed;
- `BoundedHttpProtocol` (uvicorn protocol): a connection whose request line and headers are not
  complete within the timeout is closed (nothing can be answered before the headers are read);
  the same protocol answers 431 to headers larger than the limit, before parsing the rest.
"""

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.errors import AppError, error_body
from platform_common.receive_guard import serve_with_receive_guard


class ClientBodyTimeout(AppError):
    status_code = 408
    code = "client_body_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request body stopped arriving for {seconds:g} s; send it again without pauses.",
            headers={"Connection": "close"},
        )


class ClientBodyTimeoutMiddleware:
    """Pure ASGI: wraps `receive` so each wait for the next body chunk is bounded. Once the body
    is complete, `receive` is passed through untouched (it then only reports a disconnect, which
    a streaming response may legitimately wait on for a long time). After a timeout the client
    is answered 408 (see receive_guard.py)."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.timeout <= 0:
            await self.app(scope, receive, send)
            return
        body_done = False

        async def bounded_receive(receive: Receive) -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise ClientBodyTimeout(self.timeout) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await serve_with_receive_guard(self.app, scope, receive, send, bounded_receive)


HEADERS_TOO_LARGE = 431


def _headers_too_large_response(max_header_bytes: int) -> bytes:
    body = json.dumps(
        error_body(
            "headers_too_large",
            f"The request line and headers are larger than {max_header_bytes} bytes; "
            "send fewer or shorter headers (a smaller cookie or token).",
        )
    ).encode()
    return (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
        b"content-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"connection: close\r\n\r\n" + body
    )


def bounded_http_protocol(header_timeout: float, max_header_bytes: int = 0) -> Any:
    """The uvicorn `http=` protocol class enforcing the header deadline and the header size
    limit (431, then the connection is closed), or "auto" (uvicorn's default, without them) when
    both are off or httptools is not installed. 0 turns either off."""
    if header_timeout <= 0 and max_header_bytes <= 0:
        return "auto"
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "auto"

    class BoundedHttpProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _awaiting_headers = True
        _header_bytes = 0

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()  # a connection that never sends a byte is idle too

        def data_received(self, data: bytes) -> None:
            if self._awaiting_headers and max_header_bytes > 0:
                # Only the bytes up to the blank line that ends the headers count.
                end = data.find(b"\r\n\r\n")
                self._header_bytes += len(data) if end < 0 else end
                if self._header_bytes > max_header_bytes:
                    self._disarm()
                    self.transport.write(_headers_too_large_response(max_header_bytes))
                    self.transport.close()
                    return
            if self.transport.is_closing():
                return
            super().data_received(data)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()  # each request on a kept-alive connection gets the same deadline

        def on_headers_complete(self) -> None:
            self._disarm()
            self._awaiting_headers = False
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._awaiting_headers, self._header_bytes = True, 0  # the next request's headers

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            if header_timeout > 0:
                self._deadline = self.loop.call_later(header_timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

    return BoundedHttpProtocol
