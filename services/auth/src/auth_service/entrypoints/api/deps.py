"""FastAPI dependencies, as Annotated aliases the routes declare (FastAPI template style)."""

import uuid
from typing import Annotated, cast

from fastapi import Depends, Request

from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.adapters.tokens import TokenIssuer
from auth_service.bootstrap import AuthService
from auth_service.config import Settings
from auth_service.domain.model import User
from auth_service.domain.passwords import PasswordPolicy
from auth_service.service_layer import services
from auth_service.service_layer.login_throttle import ThrottlePolicy
from auth_service.service_layer.sessions import SessionPolicy
from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.client_address import client_address
from platform_common.errors import Forbidden, Unauthorized
from platform_common.security.dependencies import ClaimsDep, get_verifier, token_from_request
from platform_common.security.tokens import TokenClaims, TokenVerifier


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def get_auth(request: Request) -> AuthService:
    return cast(AuthService, request.app.state.auth)


def get_uow(request: Request) -> AuthUnitOfWork:
    return get_auth(request).new_uow()


def get_password_policy(request: Request) -> PasswordPolicy:
    return get_auth(request).password_policy


def get_session_policy(request: Request) -> SessionPolicy:
    return get_auth(request).session_policy


def optional_claims(
    request: Request, verifier: Annotated[TokenVerifier, Depends(get_verifier)]
) -> TokenClaims | None:
    """The caller's valid token, or None (logout also works with only a refresh token)."""
    token = token_from_request(request)
    if not token:
        return None
    try:
        return verifier.verify(token)
    except Unauthorized:
        return None


def get_hasher(request: Request) -> PasswordHasher:
    return get_auth(request).password_hasher


def get_token_issuer(request: Request) -> TokenIssuer:
    return get_auth(request).token_issuer


def get_throttle_policy(request: Request) -> ThrottlePolicy:
    return get_auth(request).throttle_policy


def get_client_address(request: Request) -> str:
    # Behind the gateway this is the forwarded client address, believed from TRUSTED_PROXIES only.
    return client_address(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[AuthUnitOfWork, Depends(get_uow)]
HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]
TokenIssuerDep = Annotated[TokenIssuer, Depends(get_token_issuer)]
ThrottlePolicyDep = Annotated[ThrottlePolicy, Depends(get_throttle_policy)]
ClientAddressDep = Annotated[str, Depends(get_client_address)]
PasswordPolicyDep = Annotated[PasswordPolicy, Depends(get_password_policy)]
SessionPolicyDep = Annotated[SessionPolicy, Depends(get_session_policy)]
OptionalClaimsDep = Annotated[TokenClaims | None, Depends(optional_claims)]


def get_current_user(claims: ClaimsDep, uow: UowDep) -> User:
    """The token is valid, and its user still exists and is active (a deleted account's tokens
    stop working here at once, not when they expire)."""
    try:
        user_id = uuid.UUID(claims.subject)
    except ValueError:
        raise Unauthorized("The token is invalid", code="invalid_token") from None
    user = services.active_user(uow, user_id)
    if user is None:
        raise Unauthorized("The account for this token no longer exists", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_admin(user: CurrentUser) -> User:
    # The role comes from the database, not the token: a demotion applies immediately.
    if not user.is_admin:
        raise Forbidden("This needs the admin role")
    return user


CurrentAdmin = Annotated[User, Depends(get_current_admin)]
