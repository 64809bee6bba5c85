"""FastAPI dependencies that read the token from `Authorization: Bearer` or the cookie."""

from collections.abc import Iterable
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import cookie_parser

from platform_common.errors import Forbidden, Unauthorized
from platform_common.route_templates import set_user_id
from platform_common.security.tokens import TokenClaims, TokenVerifier

ACCESS_TOKEN_COOKIE = "access_token"

# auto_error=False: a missing header is fine when the cookie carries the token. The tokenUrl makes
# Swagger's Authorize button work against the auth service's OAuth2 password endpoint.
_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def token_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """`Authorization: Bearer ...` first, else the `access_token` cookie set at login. On raw
    ASGI headers, so the gateway's raw proxy and the FastAPI dependencies share one reading."""
    cookie = None
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
        elif name == b"cookie":
            cookie = value
    if cookie is not None:
        return cookie_parser(cookie.decode("latin-1")).get(ACCESS_TOKEN_COOKIE) or None
    return None


def token_from_request(request: Request, bearer: str | None = None) -> str | None:
    return bearer or token_from_headers(request.scope["headers"])


async def get_verifier(request: Request) -> TokenVerifier:
    # async: a plain def would take a thread-pool hop per request for an attribute read.
    return cast(TokenVerifier, request.app.state.token_verifier)


def current_claims(
    request: Request,
    verifier: Annotated[TokenVerifier, Depends(get_verifier)],
    bearer: Annotated[str | None, Depends(_bearer)] = None,
) -> TokenClaims:
    token = token_from_request(request, bearer)
    if not token:
        raise Unauthorized("Authentication required: send a Bearer token or log in for a cookie")
    claims = verifier.verify(token)
    set_user_id(request.scope, claims.subject)
    return claims


def admin_claims(claims: Annotated[TokenClaims, Depends(current_claims)]) -> TokenClaims:
    if not claims.is_admin:
        raise Forbidden("This needs the admin role")
    return claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]
AdminClaimsDep = Annotated[TokenClaims, Depends(admin_claims)]
