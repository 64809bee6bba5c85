"""The client's real address: the one function every service asks (rate limits, login throttling,
logs), so a forged `X-Forwarded-For` or `Forwarded` header never picks an address.

Forwarding headers are believed only when the TCP peer is one of the configured trusted proxies
(`TRUSTED_PROXIES`, addresses or networks; the default trusts none). The chain is then read from
the right, skipping trusted hops, and the first untrusted address is the client: an entry a
client wrote itself sits left of what our proxies appended, so it is never reached.
`ClientAddressMiddleware` resolves it once per request and puts it in `scope["client"]`; the
peer it replaced stays in `scope["peer"]`. From a trusted proxy, `X-Forwarded-Proto` also sets
the scheme (what uvicorn's own proxy handling did, which is off: it believes 127.0.0.1 always).
"""

import ipaddress
from collections.abc import Iterable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


class TrustedProxies:
    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()
        )

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def _node(value: str) -> str:
    """An address from a forwarding header, without quotes, brackets or port."""
    value = value.strip().strip('"')
    if value.startswith("["):  # [2001:db8::1]:4711
        return value[1 : value.find("]")] if "]" in value else value[1:]
    if value.count(":") == 1:  # 192.0.2.1:4711
        return value.split(":", 1)[0]
    return value


def forwarded_chain(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """The addresses the proxies in front of us recorded, nearest last. `Forwarded` (RFC 7239)
    wins over `X-Forwarded-For` when both are present."""
    forwarded: list[str] = []
    x_forwarded_for: list[str] = []
    for name, raw in headers:
        lower = name.lower()
        if lower == b"forwarded":
            for element in raw.decode("latin-1").split(","):
                for pair in element.split(";"):
                    key, _, value = pair.partition("=")
                    if key.strip().lower() == "for":
                        forwarded.append(_node(value))
        elif lower == b"x-forwarded-for":
            x_forwarded_for += [_node(v) for v in raw.decode("latin-1").split(",") if v.strip()]
    return forwarded or x_forwarded_for


def resolve_client_address(
    peer: str | None, headers: Iterable[tuple[bytes, bytes]], trusted: TrustedProxies
) -> str | None:
    if peer is None or not trusted.trusts(peer):
        return peer
    chain = forwarded_chain(headers)
    for address in reversed(chain):
        if not trusted.trusts(address):
            return address
    return chain[0] if chain else peer  # every hop is ours: the farthest one asked


def client_address(connection: HTTPConnection | Scope) -> str:
    """The real client address of this request (resolved by `ClientAddressMiddleware`)."""
    scope: Any = connection.scope if isinstance(connection, HTTPConnection) else connection
    client = scope.get("client")
    return client[0] if client else UNKNOWN


def _apply_forwarded_proto(scope: Scope) -> None:
    for name, value in scope["headers"]:
        if name == b"x-forwarded-proto":
            proto = value.decode("latin-1").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                websocket = scope["type"] == "websocket"
                scope["scheme"] = {"http": "ws", "https": "wss"}[proto] if websocket else proto
            return


class ClientAddressMiddleware:
    """Pure ASGI: replaces `scope["client"]` with the resolved client address."""

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = TrustedProxies(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            peer = scope.get("client")
            host = peer[0] if peer else None
            resolved = resolve_client_address(host, scope["headers"], self.trusted)
            if peer is not None and resolved != host:
                scope["peer"] = peer
                scope["client"] = (resolved, 0)
            if host is not None and self.trusted.trusts(host):
                _apply_forwarded_proto(scope)
        await self.app(scope, receive, send)
