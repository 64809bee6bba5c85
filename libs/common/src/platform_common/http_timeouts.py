"""Deadlines for slow or idle clients, which uvicorn does not enforce on its own.

uvicorn's keep-alive timer covers only the quiet time between two requests: a client that opens a
connection and sends its headers one byte at a time, or announces a 25 MB body and then stalls,
holds a connection (and, in the gateway, an upstream connection) for as long as it likes. Two
guards close that gap, both measured between two reads, like nginx's client_*_timeout:

- `ClientBodyTimeoutMiddleware` (ASGI): a request whose next body chunk does not arrive within
  the timeout is answered 408 `client_body_timeout` and its connection closed;
- `HeaderDeadlineProtocol` (uvicorn protocol): a connection whose request line and headers are not
  complete within the timeout is closed (nothing can be answered before the headers are read).
"""

import asyncio
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.errors import AppError, error_response


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
    a streaming response may legitimately wait on for a long time).

    After a timeout the client is answered 408 whatever the app makes of the exception: code that
    forwards the body elsewhere (the gateway's upstream client) may wrap it into an error of its
    own, and "upstream unavailable" would send the client looking in the wrong place."""

    def __init__(self, app: ASGIApp, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.timeout <= 0:
            await self.app(scope, receive, send)
            return
        body_done = started = replaced = False
        timed_out: ClientBodyTimeout | None = None

        async def bounded_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                timed_out = ClientBodyTimeout(self.timeout)
                raise timed_out from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def send_408_after_timeout(message: Message) -> None:
            nonlocal started, replaced
            if replaced:
                return  # the rest of the app's own answer
            if timed_out is not None and not started:
                replaced = True
                error = timed_out
                response = error_response(
                    error.status_code, error.code, error.message, error.headers
                )
                await response(scope, receive, send)
                return
            started = True
            await send(message)

        await self.app(scope, bounded_receive, send_408_after_timeout)


def header_deadline_protocol(seconds: float) -> Any:
    """The uvicorn `http=` protocol class enforcing the header deadline, or "auto" (uvicorn's
    default, without it) when the deadline is off or httptools is not installed."""
    if seconds <= 0:
        return "auto"
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "auto"

    class HeaderDeadlineProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()  # a connection that never sends a byte is idle too

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()  # each request on a kept-alive connection gets the same deadline

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

    return HeaderDeadlineProtocol
