"""The route template a request matched: the only path metrics, access logs and spans carry.

Raw paths hold ids (and in the worst case whatever an attacker types), so labelling by them grows
metrics without bound; an unknown path is one label, `unmatched`. A service behind the gateway
announces its template in a response header, which the gateway reads (for its own labels) and
strips before the client sees it.
"""

from starlette.types import Message, Scope

ROUTE_TEMPLATE_HEADER = b"x-route-template"
UNMATCHED = "unmatched"
USER_ID_STATE_KEY = "user_id"


class RouteTemplate:
    """What `scope["route"]` holds for requests no Starlette route matched (the gateway proxy)."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


def route_template(scope: Scope) -> str:
    return getattr(scope.get("route"), "path", None) or UNMATCHED


def announce_route(message: Message, scope: Scope) -> None:
    """Add the template to an `http.response.start` message (for the gateway in front)."""
    headers = [(k, v) for k, v in message.get("headers", []) if k != ROUTE_TEMPLATE_HEADER]
    headers.append((ROUTE_TEMPLATE_HEADER, route_template(scope).encode()))
    message["headers"] = headers


def set_user_id(scope: Scope, user_id: str) -> None:
    """Record the authenticated caller for the access log (request.state, shared by the request)."""
    scope.setdefault("state", {})[USER_ID_STATE_KEY] = user_id


def user_id_of(scope: Scope) -> str | None:
    return (scope.get("state") or {}).get(USER_ID_STATE_KEY)
