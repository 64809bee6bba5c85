"""Security headers on every response, set here once rather than by each route.

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on everything: a browser
  never guesses a type we did not declare (a PNG with HTML appended stays an image), and no URL
  (signed, presigned, with ids) leaks to another site through Referer.
- Image bodies also get `Content-Security-Policy: default-src 'none'; sandbox`: opened directly,
  an image can run nothing and load nothing, whatever bytes it carries.
- `Strict-Transport-Security` in production, where the edge is served over HTTPS.

A header a route (or an upstream, at the gateway) already set is kept, so this composes with
routes that need their own policy.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EVERYWHERE: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
IMAGE_CSP = (b"content-security-policy", b"default-src 'none'; sandbox")
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def _is_image(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.lower().startswith(b"image/") for k, v in headers)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.always = EVERYWHERE + ((HSTS,) if hsts else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                wanted = self.always + ((IMAGE_CSP,) if _is_image(headers) else ())
                headers += [(k, v) for k, v in wanted if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
