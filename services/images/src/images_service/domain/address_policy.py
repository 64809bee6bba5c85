"""Which network addresses this service may connect to on a user's behalf (webhooks, fetch).

Only globally routable unicast addresses, by default: private, loopback, link-local (where cloud
metadata lives: 169.254.169.254, fd00:ec2::254), shared, reserved, multicast and unspecified
ranges are refused, because a URL a user gives us must never reach our own network. A deployment
(or a test) can allow chosen networks explicitly. IPv4-mapped IPv6 addresses are judged by the
IPv4 address they carry, so `::ffff:127.0.0.1` is loopback too.
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from images_service.domain.errors import ForbiddenAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Named so the refusal says why; checked in this order, the first match names the reason.
_REASONS: tuple[tuple[str, str], ...] = (
    ("is_loopback", "is a loopback address"),
    ("is_link_local", "is a link-local address (cloud metadata lives there)"),
    ("is_private", "is a private-network address"),
    ("is_multicast", "is a multicast address"),
    ("is_unspecified", "is the unspecified address"),
    ("is_reserved", "is a reserved address"),
)


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal_reason(address: IPAddress) -> str | None:
    """Why `address` is not a public destination, or None when it is one."""
    address = _unmapped(address)
    for attribute, reason in _REASONS:
        if getattr(address, attribute):
            return reason
    if not address.is_global:  # e.g. 100.64.0.0/10 (carrier-grade NAT), 192.0.0.0/24
        return "is not a globally routable address"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses, plus the networks configuration allows explicitly. With `public=False`
    only those networks (a test environment that must never reach the internet)."""

    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)
    public: bool = True

    @classmethod
    def allowing(cls, networks: Iterable[str], public: bool = True) -> "AddressPolicy":
        return cls(tuple(ipaddress.ip_network(n, strict=False) for n in networks), public)

    def is_allowed(self, address: IPAddress) -> bool:
        address = _unmapped(address)
        if any(address in network for network in self.allowed_networks):
            return True
        return self.public and refusal_reason(address) is None

    def _reason(self, address: IPAddress) -> str | None:
        return refusal_reason(address) or "is public, and this deployment reaches no public address"

    def check(self, host: str, addresses: Iterable[str]) -> list[IPAddress]:
        """All addresses `host` resolved to, parsed; raises ForbiddenAddress if ANY is refused
        (a name with one public and one private address must not be a way in)."""
        parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
        if not parsed:
            raise ForbiddenAddress(host, None, "does not resolve to any address")
        for address in parsed:
            if not self.is_allowed(address):
                raise ForbiddenAddress(host, str(address), self._reason(_unmapped(address)))
        return parsed
