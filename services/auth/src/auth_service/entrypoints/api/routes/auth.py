"""Registration and login (JSON for browsers, the OAuth2 form for API clients)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from auth_service.config import Settings
from auth_service.entrypoints.api.cookies import set_access_cookie, set_refresh_cookie
from auth_service.entrypoints.api.deps import (
    ClientAddressDep,
    HasherDep,
    PasswordPolicyDep,
    SessionPolicyDep,
    SettingsDep,
    ThrottlePolicyDep,
    TokenIssuerDep,
    UowDep,
)
from auth_service.entrypoints.api.schemas import (
    LoginRequest,
    RegisterRequest,
    TokenResponse,
    UserPublic,
)
from auth_service.metrics import counting_login
from auth_service.service_layer import authentication, services, sessions
from auth_service.service_layer.sessions import SessionTokens
from platform_common.openapi import error_responses

router = APIRouter(prefix="/auth", tags=["auth"])

_LOGIN_ERRORS = error_responses(
    401, 429, _401="Incorrect username or password", _429="Too many failed logins; see Retry-After"
)


def session_response(
    response: Response, tokens: SessionTokens, settings: Settings, *, browser: bool
) -> TokenResponse:
    """Browsers get both tokens as HttpOnly cookies (persistent only with remember_me) and the
    access token in the body; API clients get both in the body."""
    public = UserPublic.model_validate(tokens.user)
    body = TokenResponse(
        access_token=tokens.access.token,
        expires_in=tokens.access.expires_in,
        refresh_token=None if browser else tokens.refresh_token,
        refresh_expires_in=tokens.refresh_expires_in,
        user=public,
    )
    if browser:
        persistent = tokens.persistent
        set_access_cookie(
            response,
            tokens.access.token,
            settings,
            max_age=tokens.access.expires_in if persistent else None,
        )
        set_refresh_cookie(
            response,
            tokens.refresh_token,
            settings,
            max_age=tokens.refresh_expires_in if persistent else None,
        )
    return body


@router.post(
    "/register",
    operation_id="register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        400,
        422,
        _400="Username or email already registered",
        _422="Invalid username or email, or a password too easy to guess",
    ),
    summary="Create an account and get an access token",
)
def register(
    body: RegisterRequest,
    response: Response,
    uow: UowDep,
    hasher: HasherDep,
    passwords: PasswordPolicyDep,
    issuer: TokenIssuerDep,
    sessions_policy: SessionPolicyDep,
    settings: SettingsDep,
) -> TokenResponse:
    user = services.register(
        uow, hasher, passwords, username=body.username, email=body.email, password=body.password
    )
    tokens = sessions.start_session(uow, issuer, sessions_policy, user, persistent=False)
    return session_response(response, tokens, settings, browser=False)


@router.post(
    "/login",
    operation_id="login",
    responses=_LOGIN_ERRORS,
    summary="Log in (browsers): the access token comes in the body and in the HttpOnly "
    "`access_token` cookie, the refresh token in the HttpOnly `refresh_token` cookie",
)
def login(
    body: LoginRequest,
    response: Response,
    uow: UowDep,
    hasher: HasherDep,
    issuer: TokenIssuerDep,
    policy: ThrottlePolicyDep,
    sessions_policy: SessionPolicyDep,
    settings: SettingsDep,
    client_address: ClientAddressDep,
) -> TokenResponse:
    with counting_login():
        user = authentication.authenticate(
            uow,
            hasher,
            policy,
            username=body.username,
            password=body.password,
            client_address=client_address,
        )
    # remember_me: the cookies outlive the browser session. The access token stays short-lived
    # either way; the refresh token renews it.
    tokens = sessions.start_session(uow, issuer, sessions_policy, user, persistent=body.remember_me)
    return session_response(response, tokens, settings, browser=True)


@router.post(
    "/token",
    operation_id="issueToken",
    responses=_LOGIN_ERRORS,
    summary="Log in (API clients; OAuth2 password flow, what the /docs Authorize button calls): "
    "access and refresh token in the body",
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    response: Response,
    uow: UowDep,
    hasher: HasherDep,
    issuer: TokenIssuerDep,
    policy: ThrottlePolicyDep,
    sessions_policy: SessionPolicyDep,
    settings: SettingsDep,
    client_address: ClientAddressDep,
) -> TokenResponse:
    with counting_login():
        user = authentication.authenticate(
            uow,
            hasher,
            policy,
            username=form.username,
            password=form.password,
            client_address=client_address,
        )
    tokens = sessions.start_session(uow, issuer, sessions_policy, user, persistent=False)
    return session_response(response, tokens, settings, browser=False)
