"""Outbound HTTP to a URL a user gave us, with the destination checked and pinned.

The host is resolved ONCE, every address it resolves to is checked against the address policy,
and the connection goes to the checked address (the original name stays in the Host header and
in TLS SNI, so virtual hosts and certificates still work). Resolving again at connect time, as a
plain client would, lets a name answer a public address to the check and 127.0.0.1 to the
connection (DNS rebinding). Redirects are never followed here: a caller that wants them pins
every hop again.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from images_service.domain.address_policy import AddressPolicy, IPAddress
from images_service.domain.errors import InvalidRequest

Resolver = Callable[[str, int], Awaitable[list[str]]]
SCHEMES = ("http", "https")


async def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def parse_target_url(raw: str, field: str = "url") -> httpx.URL:
    """An absolute http(s) URL with a host, or a 422 naming what is wrong with it."""
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise InvalidRequest(f"{field}: not a valid URL ({exc})") from exc
    if url.scheme not in SCHEMES:
        raise InvalidRequest(f"{field}: only http and https URLs are allowed, not {url.scheme!r}")
    if not url.host:
        raise InvalidRequest(f"{field}: the URL has no host")
    return url


@dataclass(frozen=True)
class PinnedTarget:
    url: httpx.URL
    address: IPAddress

    def request(
        self,
        client: httpx.AsyncClient,
        method: str,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Request:
        """A request to the pinned address that still names the original host."""
        https = self.url.scheme == "https"
        extensions = {"sni_hostname": self.url.raw_host.decode()} if https else {}
        return client.build_request(
            method,
            self.url.copy_with(host=str(self.address)),
            headers={**(headers or {}), "Host": self.url.netloc.decode()},
            content=content,
            extensions=extensions,
        )


async def pin(url: httpx.URL, policy: AddressPolicy, resolver: Resolver) -> PinnedTarget:
    """Resolve `url`'s host once and check every address (ForbiddenAddress if one is refused)."""
    parse_target_url(str(url))
    host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS and SNI want it
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        addresses = await resolver(host, port)
    checked = policy.check(host, addresses)
    return PinnedTarget(url, checked[0])


def outbound_client(timeout_seconds: float) -> httpx.AsyncClient:
    # trust_env=False: no HTTP(S)_PROXY from the environment, the pinned address is the peer.
    # No keep-alive: a pooled connection is keyed by address, and must never carry a request
    # for another host than the one it was opened (and its certificate checked) for.
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
