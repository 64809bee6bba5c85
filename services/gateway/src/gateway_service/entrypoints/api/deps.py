"""FastAPI dependencies of the gateway's own routes (the proxy itself is raw ASGI)."""

from typing import Annotated, cast

from fastapi import Depends
from starlette.requests import HTTPConnection

from gateway_service.bootstrap import Gateway
from gateway_service.domain.rate_policy import LimitCategory, RateLimitDecision, identity
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
    # Credential endpoints are limited per address: a token must not buy more password guesses.
    subject = claims.subject if claims is not None and category is not LimitCategory.LOGIN else None
    return await gateway.limiter.hit(category, identity(subject, client_host))


def too_many_requests(decision: RateLimitDecision) -> AppError:
    headers = {k.decode(): v.decode() for k, v in decision.headers()}
    return AppError(
        f"Too many requests; try again in {headers['retry-after']} s.",
        code="rate_limited",
        status_code=429,
        headers=headers,
    )
