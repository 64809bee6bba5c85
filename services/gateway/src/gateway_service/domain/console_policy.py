"""What the browser console's pages may load and reach: its Content-Security-Policy.

Everything is served by the platform itself (no CDN, no inline script or style), so the policy is
`'self'` plus the one storage origin browsers upload to directly. `'self'` covers the WebSocket
`/ws` on the same host (CSP Level 3).
"""

from urllib.parse import urlsplit


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, or None when it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def content_security_policy(storage_origin: str | None = None) -> str:
    storage = f" {storage_origin}" if storage_origin else ""
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        # blob: previews are built from bytes fetched with the cookie (fetch, then an object URL);
        # originals may be redirected to S3 when images serves them that way.
        "img-src": f"'self' blob:{storage}",
        "connect-src": f"'self'{storage}",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())
