"""`/health`, `/ready` and `/metrics`, and the HTTP metrics middleware.

/health says the process is alive and touches nothing (a liveness probe must not fail because a
dependency is down); /ready runs the service's dependency checks; /metrics is Prometheus text.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.route_templates import announce_route, route_template

ReadinessCheck = Callable[[], Any]
READY_CHECK_TIMEOUT_SECONDS = 3.0

HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests by route and status", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


async def run_checks(checks: dict[str, ReadinessCheck]) -> tuple[bool, dict[str, str]]:
    async def one(check: ReadinessCheck) -> str:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                await asyncio.wait_for(result, READY_CHECK_TIMEOUT_SECONDS)
        except Exception as exc:  # a readiness probe reports, it never raises
            return f"error: {type(exc).__name__}"
        return "ok"

    names = list(checks)

    # Sync checks (a DB ping, an S3 HEAD) run in threads so they never block the event loop.
    def in_thread(check: ReadinessCheck) -> ReadinessCheck:
        return lambda: asyncio.wait_for(asyncio.to_thread(check), READY_CHECK_TIMEOUT_SECONDS)

    wrapped = [
        one(checks[n] if asyncio.iscoroutinefunction(checks[n]) else in_thread(checks[n]))
        for n in names
    ]
    results = dict(zip(names, await asyncio.gather(*wrapped), strict=True))
    return all(v == "ok" for v in results.values()), results


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health", operation_id="getHealth", summary="Liveness: the process answers")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/ready",
        operation_id="getReadiness",
        summary="Readiness: every dependency is reachable",
        responses={503: {"description": "Not ready: the same body says which check failed"}},
    )
    async def ready() -> JSONResponse:
        ok, results = await run_checks(checks)
        status = {"status": "ready" if ok else "not_ready", "checks": results}
        return JSONResponse(status, status_code=200 if ok else 503)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


class MetricsMiddleware:
    """Counts and times requests by route template (not raw path: ids would explode cardinality).

    `announce_route`: tell the caller (the gateway) the template in a response header."""

    def __init__(self, app: ASGIApp, announce_route: bool = False) -> None:
        self.app = app
        self.announce_route = announce_route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if self.announce_route:
                    announce_route(message, scope)
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route = route_template(scope)
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(time.perf_counter() - started)
