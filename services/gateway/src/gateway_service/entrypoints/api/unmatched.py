"""Requests that match no route still spend their rate-limit budget before their 404: a flood
of made-up paths is limited like any other traffic instead of running free."""

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway_service.adapters.metrics import RATE_LIMITED
from gateway_service.bootstrap import Gateway
from gateway_service.domain.rate_policy import LimitCategory
from gateway_service.entrypoints.api.deps import rate_limit, too_many_requests
from platform_common.client_address import client_address
from platform_common.security.dependencies import token_from_headers


def rate_limited_not_found(gateway: Gateway, not_found: ASGIApp) -> ASGIApp:
    """Wraps the router's default handler (its 404)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            claims = await gateway.edge.claims_or_none(token_from_headers(scope["headers"]))
            category = LimitCategory.READS
            decision = await rate_limit(gateway, category, claims, client_address(scope))
            if decision is not None and not decision.allowed:
                RATE_LIMITED.labels(category.value).inc()
                raise too_many_requests(decision)
        await not_found(scope, receive, send)

    return app
