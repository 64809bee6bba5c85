"""A SERVER span per HTTP request (and WebSocket handshake), continuing the caller's trace."""

from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.route_templates import route_template, user_id_of
from platform_common.tracing import carrier_from_headers, context_from, tracer


class TracingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "WEBSOCKET")
        parent = context_from(carrier_from_headers(scope.get("headers")))
        with tracer.start_as_current_span(
            method, context=parent, kind=trace.SpanKind.SERVER, record_exception=True
        ) as span:
            status: int | None = None

            async def send_and_note(message: Message) -> None:
                nonlocal status
                if message["type"] in ("http.response.start", "websocket.http.response.start"):
                    status = message["status"]
                await send(message)

            try:
                await self.app(scope, receive, send_and_note)
            finally:
                if span.is_recording():
                    route = route_template(scope)
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.request.method", method)
                    span.set_attribute("http.route", route)
                    if status is not None:
                        span.set_attribute("http.response.status_code", status)
                        if status >= 500:
                            span.set_status(trace.StatusCode.ERROR)
                    if user_id := user_id_of(scope):
                        span.set_attribute("enduser.id", user_id)
