"""Bounded requests: a body larger than its route accepts is refused with 413 as it streams in.

A declared `Content-Length` over the limit is refused before a byte of the body is read; a
chunked body is counted chunk by chunk and refused the moment it passes the limit. Either way the
connection is closed after the answer, so the rest of the body is never read, and no handler
ever holds more than the limit in memory (a JSON route would otherwise read it all to parse it).
Header size is bounded by the server protocol (see http_timeouts.py).
"""

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.errors import AppError, error_response
from platform_common.receive_guard import serve_with_receive_guard

# (method, path) -> the most bytes that route's body may have.
BodyLimit = Callable[[str, str], int]


class RequestBodyTooLarge(AppError):
    status_code = 413
    code = "request_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The request body is larger than the {limit} bytes this route accepts; "
            "send a smaller one.",
            headers={"Connection": "close"},
        )


def fixed_limit(max_bytes: int) -> BodyLimit:
    return lambda _method, _path: max_bytes


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we are called
    return None


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: BodyLimit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope["method"], scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            error = RequestBodyTooLarge(limit)
            response = error_response(error.status_code, error.code, error.message, error.headers)
            await response(scope, receive, send)  # before a byte of the body is read
            return
        received = 0

        async def counting_receive(receive: Receive) -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestBodyTooLarge(limit)
            return message

        await serve_with_receive_guard(self.app, scope, receive, send, counting_receive)


# Room for the multipart framing and form fields around an uploaded file.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def is_upload_route(method: str, path: str) -> bool:
    """`POST /images`: the multipart upload, the one route (at the gateway and at images) whose
    body is a file rather than a small JSON document."""
    return method == "POST" and path.rstrip("/") == "/images"


def upload_body_limit(default_bytes: int, max_upload_bytes: int) -> BodyLimit:
    upload_limit = max_upload_bytes + MULTIPART_OVERHEAD_BYTES

    def limit(method: str, path: str) -> int:
        return upload_limit if is_upload_route(method, path) else default_bytes

    return limit
