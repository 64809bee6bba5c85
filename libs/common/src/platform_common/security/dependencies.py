"""FastAPI dependencies that read the token from `Authorization: Bearer` or the cookie."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from platform_common.errors import Forbidden, Unauthorized
from platform_common.security.tokens import TokenClaims, TokenVerifier

ACCESS_TOKEN_COOKIE = "access_token"

# auto_error=False: a missing header is fine when the cookie carries the token. The tokenUrl makes
# Swagger's Authorize button work against the auth service's OAuth2 password endpoint.
_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def token_from_request(request: Request, bearer: str | None = None) -> str | None:
    if bearer:
        return bearer
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.cookies.get(ACCESS_TOKEN_COOKIE) or None


def get_verifier(request: Request) -> TokenVerifier:
    return request.app.state.token_verifier


def current_claims(
    request: Request,
    verifier: Annotated[TokenVerifier, Depends(get_verifier)],
    bearer: Annotated[str | None, Depends(_bearer)] = None,
) -> TokenClaims:
    token = token_from_request(request, bearer)
    if not token:
        raise Unauthorized("Authentication required: send a Bearer token or log in for a cookie")
    return verifier.verify(token)


def admin_claims(claims: Annotated[TokenClaims, Depends(current_claims)]) -> TokenClaims:
    if not claims.is_admin:
        raise Forbidden("This needs the admin role")
    return claims


ClaimsDep = Annotated[TokenClaims, Depends(current_claims)]
AdminClaimsDep = Annotated[TokenClaims, Depends(admin_claims)]
