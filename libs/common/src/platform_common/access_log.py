"""One log line per request: method, route template, status, duration, request id, user id.

Never the raw path or query string (ids, tokens in `?token=`, presigned parameters): the route
template says which endpoint answered, the request id finds everything else.
"""

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.route_templates import route_template, user_id_of

log = logging.getLogger("access")
# Probes and scrapes arrive every few seconds from the orchestrator: DEBUG, not INFO.
QUIET_ROUTES = frozenset({"/health", "/ready", "/metrics"})
_WEBSOCKET_STATUS = {"websocket.accept": 101, "websocket.close": 403}


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if status is None:
                if kind in ("http.response.start", "websocket.http.response.start"):
                    status = message["status"]
                elif kind in _WEBSOCKET_STATUS:
                    status = _WEBSOCKET_STATUS[kind]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = route_template(scope)
            level = logging.DEBUG if route in QUIET_ROUTES else logging.INFO
            log.log(
                level,
                "request",
                extra={
                    "method": scope.get("method", "WEBSOCKET"),
                    "route": route,
                    "status": status or 500,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "user_id": user_id_of(scope),
                },
            )
