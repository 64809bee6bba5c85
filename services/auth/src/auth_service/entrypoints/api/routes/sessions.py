"""Sessions: refreshing the access token, logging out (this session or everywhere), and
changing the password (which ends every other session)."""

import uuid

from fastapi import APIRouter, Request, Response

from auth_service.entrypoints.api.cookies import (
    REFRESH_TOKEN_COOKIE,
    clear_session_cookies,
    set_access_cookie,
)
from auth_service.entrypoints.api.deps import (
    CurrentUser,
    HasherDep,
    OptionalClaimsDep,
    PasswordPolicyDep,
    SessionPolicyDep,
    SettingsDep,
    TokenIssuerDep,
    UowDep,
)
from auth_service.entrypoints.api.routes.auth import session_response
from auth_service.entrypoints.api.schemas import (
    Message,
    PasswordChangeRequest,
    RefreshRequest,
    TokenResponse,
    UserPublic,
)
from auth_service.service_layer import accounts, sessions
from platform_common.errors import Unauthorized
from platform_common.openapi import error_responses
from platform_common.security.dependencies import ACCESS_TOKEN_COOKIE, ClaimsDep

router = APIRouter(prefix="/auth", tags=["sessions"])

_UNAUTHENTICATED = error_responses(401, _401="Missing, expired, revoked or invalid token")


def _session_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@router.post(
    "/refresh",
    operation_id="refreshSession",
    responses=error_responses(401, _401="Unknown, expired, revoked or reused refresh token"),
    summary="A new access token for a refresh token (body or cookie), which rotates: use the "
    "new one next time; reusing an old one revokes the whole session",
)
def refresh(
    request: Request,
    response: Response,
    uow: UowDep,
    issuer: TokenIssuerDep,
    policy: SessionPolicyDep,
    settings: SettingsDep,
    body: RefreshRequest | None = None,
) -> TokenResponse:
    from_body = body is not None and body.refresh_token is not None
    token = (
        body.refresh_token
        if body is not None and from_body
        else request.cookies.get(REFRESH_TOKEN_COOKIE)
    )
    if not token:
        raise Unauthorized(
            'Send the refresh token in the body ({"refresh_token": ...}) or its cookie',
            code="invalid_refresh_token",
        )
    tokens = sessions.refresh(uow, issuer, policy, token)
    # Answered the way it was asked: a cookie gets a new cookie, a body a new body.
    return session_response(response, tokens, settings, browser=not from_body)


@router.post(
    "/logout",
    operation_id="logout",
    responses=_UNAUTHENTICATED,
    summary="End this session: its refresh token and access tokens are refused everywhere",
)
def logout(
    response: Response,
    uow: UowDep,
    policy: SessionPolicyDep,
    settings: SettingsDep,
    claims: OptionalClaimsDep,
    body: RefreshRequest | None = None,
) -> Message:
    families: set[uuid.UUID] = set()
    if claims is not None and (family := _session_id(claims.session_id)):
        families.add(family)
    if body is not None and body.refresh_token:
        family = sessions.session_of_refresh_token(uow, body.refresh_token)
        if family is not None:
            families.add(family)
    clear_session_cookies(response, settings)
    if not families:  # idempotent: an expired or absent session is logged out already
        return Message(
            message="No live session came with this request (send the access token, or the "
            "refresh token in the body); the login cookies were cleared."
        )
    user_id = _session_id(claims.subject) if claims else None
    sessions.log_out(uow, policy, families, user_id)
    return Message(message="Logged out: this session's tokens no longer work anywhere.")


@router.post(
    "/logout-all",
    operation_id="logoutEverywhere",
    responses=_UNAUTHENTICATED,
    summary="End every session of the account, on every device",
)
def logout_all(
    user: CurrentUser,
    response: Response,
    uow: UowDep,
    policy: SessionPolicyDep,
    settings: SettingsDep,
) -> Message:
    sessions.log_out_everywhere(uow, policy, user.id)
    clear_session_cookies(response, settings)
    return Message(message="Logged out everywhere: no token of this account works any more.")


@router.put(
    "/password",
    operation_id="changePassword",
    responses=error_responses(
        401,
        400,
        422,
        _401="Missing, expired, revoked or invalid token",
        _400="The current password is wrong",
        _422="The new password is too easy to guess (the message says why)",
    ),
    summary="Change the password; every other session ends, this one gets a new access token",
)
def change_password(
    body: PasswordChangeRequest,
    request: Request,
    response: Response,
    user: CurrentUser,
    claims: ClaimsDep,
    uow: UowDep,
    hasher: HasherDep,
    passwords: PasswordPolicyDep,
    policy: SessionPolicyDep,
    issuer: TokenIssuerDep,
    settings: SettingsDep,
) -> TokenResponse:
    family = _session_id(claims.session_id)
    updated = accounts.change_password(
        uow,
        hasher,
        passwords,
        policy,
        user=user,
        current_password=body.current_password,
        new_password=body.new_password,
        session_id=family,
    )
    access = issuer.issue(updated, policy.access_lifetime, claims.session_id)
    if ACCESS_TOKEN_COOKIE in request.cookies:
        set_access_cookie(response, access.token, settings, max_age=None)
    return TokenResponse(
        access_token=access.token,
        expires_in=access.expires_in,
        user=UserPublic.model_validate(updated),
    )
