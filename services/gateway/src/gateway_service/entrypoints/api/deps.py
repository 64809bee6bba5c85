"""FastAPI dependencies of the gateway's own routes (the proxy itself is raw ASGI)."""

from typing import Annotated, cast

from fastapi import Depends
from starlette.requests import HTTPConnection

from gateway_service.bootstrap import Gateway
from gateway_service.domain.rate_policy import (
    LimitCategory,
    RateLimitDecision,
    identity,
    transform_cost_units,
)
from platform_common.errors import AppError
from platform_common.security.tokens import TokenClaims


def get_gateway(connection: HTTPConnection) -> Gateway:
    return cast(Gateway, connection.app.state.gateway)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]


async def rate_limit(
    gateway: Gateway, category: LimitCategory, claims: TokenClaims | None, client_host: str | None
) -> RateLimitDecision | None:
    """The decision for this request, or None when rate limiting is off."""
    if gateway.limiter is None:
        return None
    return await gateway.limiter.hit(category, _limited_identity(category, claims, client_host))


def _limited_identity(category: LimitCategory, claims: TokenClaims | None, host: str | None) -> str:
    # Credential endpoints are limited per address: a token must not buy more password guesses.
    subject = claims.subject if claims is not None and category is not LimitCategory.LOGIN else None
    return identity(subject, host)


async def spend_transform_cost(
    gateway: Gateway, claims: TokenClaims | None, client_host: str | None, cost_header: str | None
) -> None:
    """A transform request that queued new work pays its estimated cost: the 1 its admission
    spent, plus the rest now."""
    if gateway.limiter is None:
        return
    category = LimitCategory.TRANSFORMS
    unit = gateway.settings.rate_limit_transform_cost_unit
    units = transform_cost_units(cost_header, unit, gateway.limiter.amount(category))
    if units > 1:
        who = _limited_identity(category, claims, client_host)
        await gateway.limiter.spend(category, who, units - 1)


def too_many_requests(decision: RateLimitDecision) -> AppError:
    headers = {k.decode(): v.decode() for k, v in decision.headers()}
    return AppError(
        f"Too many requests; try again in {headers['retry-after']} s.",
        code="rate_limited",
        status_code=429,
        headers=headers,
    )
