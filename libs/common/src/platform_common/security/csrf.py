"""CSRF defence for cookie-authenticated requests: a state-changing request that carries the
`access_token` cookie must come from our own origin (or a trusted one).

SameSite=Lax already stops most cross-site POSTs, but not those from sibling subdomains or old
browsers, so this checks what browsers always send on such requests: `Origin` (or, failing that,
`Referer`). Requests with an `Authorization` header are not at risk (a browser never attaches one
on its own), and requests without both headers come from non-browser clients, so both pass.
WebSocket handshakes are checked the same way (browsers send the cookie and their Origin with
them from any page), and a refused one is closed before it is accepted (HTTP 403).
"""

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from platform_common.errors import error_response
from platform_common.security.dependencies import ACCESS_TOKEN_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class CookieOriginCheckMiddleware:
    """Pure ASGI middleware; answers 403 in the platform's error shape on a foreign origin."""

    def __init__(self, app: ASGIApp, trusted_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = {o.rstrip("/").lower() for o in trusted_origins}

    def _allowed(self, origin: str, headers: dict[str, str]) -> bool:
        if origin in self.trusted:
            return True
        # Our own origin, as the client addressed it; behind a proxy that is X-Forwarded-Host. A
        # cross-site page cannot forge either header on a request the browser sends with cookies.
        netloc = urlsplit(origin).netloc
        own_hosts = {headers.get("host", ""), headers.get("x-forwarded-host", "")}
        return netloc in {h.split(",")[0].strip().lower() for h in own_hosts if h}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A WebSocket handshake is a GET, but what follows is a two-way channel opened with the
        # user's cookie: a foreign page must not open one (cross-site WebSocket hijacking).
        websocket = scope["type"] == "websocket"
        if not websocket and (scope["type"] != "http" or scope["method"] in SAFE_METHODS):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        has_cookie = ACCESS_TOKEN_COOKIE in cookie_parser(headers.get("cookie", ""))
        if not has_cookie or "authorization" in headers:
            await self.app(scope, receive, send)
            return
        raw = headers.get("origin") or headers.get("referer")
        if raw is None:
            await self.app(scope, receive, send)
            return
        origin = _origin_of(raw)  # "null" (sandboxed frames, privacy redirects) gives None
        if origin is not None and self._allowed(origin, headers):
            await self.app(scope, receive, send)
            return
        if websocket:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accept: HTTP 403
            return
        response = error_response(
            403,
            "cross_site_request",
            "This request carries the login cookie but was sent from another site; send it from "
            "the application's own origin, or authenticate with an Authorization: Bearer header.",
        )
        await response(scope, receive, send)
