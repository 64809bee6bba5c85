"""Registration, login (JSON and OAuth2 form), logout."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from auth_service.adapters.tokens import TokenIssuer
from auth_service.domain.model import User
from auth_service.entrypoints.api.cookies import clear_access_cookie, set_access_cookie
from auth_service.entrypoints.api.deps import (
    ClientAddressDep,
    HasherDep,
    SettingsDep,
    ThrottlePolicyDep,
    TokenIssuerDep,
    UowDep,
)
from auth_service.entrypoints.api.schemas import (
    LoginRequest,
    Message,
    RegisterRequest,
    TokenResponse,
    UserPublic,
)
from auth_service.metrics import counting_login
from auth_service.service_layer import authentication, services
from platform_common.openapi import error_responses

router = APIRouter(prefix="/auth", tags=["auth"])

_LOGIN_ERRORS = error_responses(
    401, 429, _401="Incorrect username or password", _429="Too many failed logins; see Retry-After"
)


def _token_response(issuer: TokenIssuer, user: User, lifetime: timedelta) -> TokenResponse:
    issued = issuer.issue(user, lifetime)
    public = UserPublic.model_validate(user)
    return TokenResponse(access_token=issued.token, expires_in=issued.expires_in, user=public)


@router.post(
    "/register",
    operation_id="register",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, _400="Username or email already registered"),
    summary="Create an account and get an access token",
)
def register(
    body: RegisterRequest,
    uow: UowDep,
    hasher: HasherDep,
    issuer: TokenIssuerDep,
    settings: SettingsDep,
) -> TokenResponse:
    user = services.register(
        uow, hasher, username=body.username, email=body.email, password=body.password
    )
    return _token_response(issuer, user, timedelta(minutes=settings.access_token_expire_minutes))


@router.post(
    "/login",
    operation_id="login",
    responses=_LOGIN_ERRORS,
    summary="Log in: the token comes in the body and in the HttpOnly `access_token` cookie",
)
def login(
    body: LoginRequest,
    response: Response,
    uow: UowDep,
    hasher: HasherDep,
    issuer: TokenIssuerDep,
    policy: ThrottlePolicyDep,
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
    # remember_me: the cookie and its token outlive the browser session; otherwise both are
    # short-lived (a session cookie holding a token valid ACCESS_TOKEN_EXPIRE_MINUTES).
    if body.remember_me:
        lifetime = timedelta(days=settings.remember_me_days)
    else:
        lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    token_out = _token_response(issuer, user, lifetime)
    max_age = token_out.expires_in if body.remember_me else None
    set_access_cookie(response, token_out.access_token, settings, max_age=max_age)
    return token_out


@router.post(
    "/token",
    operation_id="issueToken",
    responses=_LOGIN_ERRORS,
    summary="OAuth2 password flow (what the /docs Authorize button calls)",
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    uow: UowDep,
    hasher: HasherDep,
    issuer: TokenIssuerDep,
    policy: ThrottlePolicyDep,
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
    return _token_response(issuer, user, timedelta(minutes=settings.access_token_expire_minutes))


@router.post("/logout", operation_id="logout", summary="Delete the `access_token` cookie")
def logout(response: Response, settings: SettingsDep) -> Message:
    clear_access_cookie(response, settings)
    return Message(
        message="Logged out: the access_token cookie was deleted. A token you kept yourself "
        "stays valid until it expires, so discard it too."
    )
