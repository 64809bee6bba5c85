"""The route table: which upstream serves a path, and which routes pass the edge without a token."""

import re
from dataclasses import dataclass
from enum import StrEnum


class Upstream(StrEnum):
    AUTH = "auth"
    IMAGES = "images"


# Keyed by the first path segment, so resolving a route is one dict lookup.
ROUTE_TABLE: dict[str, Upstream] = {
    "auth": Upstream.AUTH,
    "users": Upstream.AUTH,
    ".well-known": Upstream.AUTH,
    "images": Upstream.IMAGES,
    "admin": Upstream.IMAGES,
    "delivery": Upstream.IMAGES,
    "presets": Upstream.IMAGES,
    "webhooks": Upstream.IMAGES,
}

# Reaching these is how a client gets a token, or they carry nothing private.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/auth/register"),
        ("POST", "/auth/login"),
        ("POST", "/auth/token"),
        ("POST", "/auth/logout"),
        # Carries a refresh token (body or cookie), not an access token: the one that expired.
        ("POST", "/auth/refresh"),
    }
)
PUBLIC_PREFIXES: tuple[str, ...] = ("/.well-known/",)


@dataclass(frozen=True, slots=True)
class ProxyRoute:
    upstream: Upstream
    public: bool


def first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


def resolve(method: str, path: str) -> ProxyRoute | None:
    """The upstream and edge-auth rule for a request, or None when the gateway does not route it."""
    upstream = ROUTE_TABLE.get(first_segment(path))
    if upstream is None:
        return None
    # A CORS preflight never carries credentials, so demanding a token would break browsers.
    public = (
        method == "OPTIONS" or (method, path) in PUBLIC_ROUTES or path.startswith(PUBLIC_PREFIXES)
    )
    return ProxyRoute(upstream, public)


def routed_by(upstream: Upstream, path: str) -> bool:
    """Whether the gateway sends `path` (an upstream's own route) to that upstream."""
    return ROUTE_TABLE.get(first_segment(path)) is upstream


_ID_SEGMENT = re.compile(
    r"^(?:[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
    r"[0-9a-fA-F]{12}|\d+)$"
)


def route_label(path: str) -> str:
    """A low-cardinality metrics label: ids become `{id}` (raw paths would explode the series)."""
    segments = path.split("/")
    return "/".join("{id}" if _ID_SEGMENT.match(s) else s for s in segments)


def prefix_label(path: str) -> str:
    """The label of a request refused before any upstream matched it: its routed prefix."""
    return f"/{first_segment(path)}/*"
