"""The request id that follows one request through HTTP, logs and Kafka headers."""

import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# Also kept in the ASGI scope, for code that runs after this middleware has unwound (Starlette's
# outermost 500 handler), where the contextvar is already reset.
REQUEST_ID_SCOPE_KEY = "request_id"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def set_request_id(value: str | None) -> None:
    _request_id.set(value)


def new_request_id() -> str:
    return uuid.uuid4().hex


def _accept_incoming(value: str | None) -> str | None:
    # A client-chosen id is echoed into logs and headers, so it must stay short and printable.
    if value and len(value) <= 128 and value.isascii() and value.isprintable():
        return value
    return None


class RequestIdMiddleware:
    """Pure ASGI middleware (no body buffering, so streaming stays streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = _accept_incoming(incoming) or new_request_id()
        token = _request_id.set(request_id)
        scope[REQUEST_ID_SCOPE_KEY] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != REQUEST_ID_HEADER.lower().encode()
                ]
                response_headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message["headers"] = response_headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)
