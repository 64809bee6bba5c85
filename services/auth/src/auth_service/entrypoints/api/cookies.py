"""The login cookies, both HttpOnly (no script can read them) and Secure unless configured off:
- `access_token`: SameSite=Lax, Path=/ (every service behind the gateway reads it);
- `refresh_token`: SameSite=Strict and Path=/auth/refresh, so the browser sends it only to
  the one endpoint that uses it, and never on a request another site starts.
Both persist (Max-Age) only with remember_me; otherwise they end with the browser session.
"""

from fastapi import Response

from auth_service.config import Settings
from platform_common.security.dependencies import ACCESS_TOKEN_COOKIE

REFRESH_TOKEN_COOKIE = "refresh_token"
REFRESH_PATH = "/auth/refresh"


def set_access_cookie(
    response: Response, token: str, settings: Settings, *, max_age: int | None
) -> None:
    """max_age None makes a session cookie, gone when the browser closes."""
    response.set_cookie(
        ACCESS_TOKEN_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def set_refresh_cookie(
    response: Response, token: str, settings: Settings, *, max_age: int | None
) -> None:
    response.set_cookie(
        REFRESH_TOKEN_COOKIE,
        token,
        max_age=max_age,
        path=REFRESH_PATH,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def clear_access_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        ACCESS_TOKEN_COOKIE,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    clear_access_cookie(response, settings)
    response.delete_cookie(
        REFRESH_TOKEN_COOKIE,
        path=REFRESH_PATH,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
