"""The proxy routes: every routed prefix goes upstream through edge auth and rate limits.

A raw ASGI endpoint, not a FastAPI route: no Request object, no body parsing, no dependency
resolution, so the work added to each request is the least the job allows.
"""

import uuid

from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from gateway_service.adapters.metrics import RATE_LIMITED
from gateway_service.bootstrap import Gateway
from gateway_service.domain.caching import is_variant_content
from gateway_service.domain.rate_policy import TRANSFORM_COST_HEADER, LimitCategory, categorize
from gateway_service.domain.routes import ROUTE_TABLE, prefix_label, resolve
from gateway_service.entrypoints.api.deps import (
    rate_limit,
    spend_transform_cost,
    too_many_requests,
)
from platform_common.client_address import client_address
from platform_common.route_templates import RouteTemplate, set_user_id
from platform_common.security.dependencies import token_from_headers

SIGNING_KEYS_PREFIX = "/delivery/keys/"


class ProxyEndpoint:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway = self.gateway
        method, path = scope["method"], scope["path"]
        route = resolve(method, path)
        assert route is not None  # only routed prefixes are mounted on this endpoint
        # Until an upstream names the template it matched (service_layer/proxy.py), the label is
        # the prefix: a refusal at the edge for any path under it counts once.
        scope["route"] = RouteTemplate(prefix_label(path))
        token = token_from_headers(scope["headers"])
        # Limits run before the 401: an anonymous flood of refused requests spends its
        # address's budget like any other traffic.
        claims = await gateway.edge.claims_or_none(token)
        extra_headers = []
        category = categorize(method, path, scope["query_string"])
        decision = await rate_limit(gateway, category, claims, client_address(scope))
        if decision is not None:
            if not decision.allowed:
                RATE_LIMITED.labels(category.value).inc()
                raise too_many_requests(decision)
            extra_headers = decision.headers()
        if claims is None and not route.public:
            claims = await gateway.edge.require(token)  # the 401 that says what is wrong
        if claims is not None:
            set_user_id(scope, claims.subject)
        cacheable = (
            claims is not None
            and gateway.cache.enabled
            and is_variant_content(method, path, scope["query_string"])
        )
        answered = await gateway.proxy.forward(
            scope,
            receive,
            send,
            upstream=route.upstream,
            extra_headers=extra_headers,
            cache_user=claims.subject if cacheable and claims else None,
        )
        if category is LimitCategory.TRANSFORMS and answered is not None:
            cost = answered.get(TRANSFORM_COST_HEADER.decode())
            await spend_transform_cost(gateway, claims, client_address(scope), cost)
        if method == "DELETE" and path.startswith(SIGNING_KEYS_PREFIX) and claims is not None:
            # This replica stops accepting the deleted key's URLs at once (others within
            # delivery_key_cache_seconds).
            gateway.delivery_keys.forget(uuid.UUID(claims.subject))


def proxy_routes(gateway: Gateway) -> list[BaseRoute]:
    endpoint = ProxyEndpoint(gateway)
    routes: list[BaseRoute] = []
    for segment in ROUTE_TABLE:
        routes.append(Route(f"/{segment}", endpoint, include_in_schema=False))
        routes.append(Route(f"/{segment}/{{rest:path}}", endpoint, include_in_schema=False))
    return routes
