"""The `access_token` cookie: HttpOnly (no script can read it), SameSite=Lax (not sent on
cross-site POSTs), Secure unless configured off, Path=/ (every service behind the gateway)."""

from fastapi import Response

from auth_service.config import Settings
from platform_common.security.dependencies import ACCESS_TOKEN_COOKIE


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


def clear_access_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        ACCESS_TOKEN_COOKIE,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
