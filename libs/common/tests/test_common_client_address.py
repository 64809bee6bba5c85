"""The client address (client_address.py): forwarding headers count only from trusted proxies,
read from the right, so an address a client wrote itself is never the one chosen."""

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient

from platform_common.app import create_service_app
from platform_common.client_address import (
    TrustedProxies,
    client_address,
    forwarded_chain,
    resolve_client_address,
)
from platform_common.settings import BaseServiceSettings

GATEWAY = TrustedProxies(["10.0.0.0/8"])


def headers(**values: str) -> list[tuple[bytes, bytes]]:
    return [(k.replace("_", "-").encode(), v.encode()) for k, v in values.items()]


@pytest.mark.parametrize(
    ("peer", "sent", "expected"),
    [
        # An untrusted peer is the client, whatever it claims.
        ("203.0.113.5", headers(x_forwarded_for="198.51.100.7"), "203.0.113.5"),
        ("203.0.113.5", headers(forwarded="for=198.51.100.7"), "203.0.113.5"),
        # Our proxy appended the client: believed.
        ("10.0.0.2", headers(x_forwarded_for="203.0.113.5"), "203.0.113.5"),
        # The client prepended a forgery: our proxy's entry (the rightmost untrusted) wins.
        ("10.0.0.2", headers(x_forwarded_for="198.51.100.7, 203.0.113.5"), "203.0.113.5"),
        ("10.0.0.2", headers(x_forwarded_for="203.0.113.5, 10.0.0.9"), "203.0.113.5"),
        # RFC 7239, with quotes, ports and IPv6 brackets; it wins over X-Forwarded-For.
        (
            "10.0.0.2",
            headers(forwarded='for="[2001:db8::1]:4711";proto=https', x_forwarded_for="1.2.3.4"),
            "2001:db8::1",
        ),
        ("10.0.0.2", headers(forwarded="for=198.51.100.7, for=203.0.113.5:80"), "203.0.113.5"),
        # A trusted peer with nothing forwarded is itself the client.
        ("10.0.0.2", [], "10.0.0.2"),
    ],
)
def test_resolution(peer: str, sent: list, expected: str) -> None:
    assert resolve_client_address(peer, sent, GATEWAY) == expected


def test_nothing_is_trusted_by_default() -> None:
    assert not TrustedProxies([])
    sent = headers(x_forwarded_for="198.51.100.7")
    assert resolve_client_address("127.0.0.1", sent, TrustedProxies([])) == "127.0.0.1"


def test_the_chain_is_read_from_both_headers() -> None:
    assert forwarded_chain(headers(x_forwarded_for="a, b")) == ["a", "b"]
    assert forwarded_chain(headers(forwarded="for=a;by=x, for=b")) == ["a", "b"]


def make_client(**settings: object) -> TestClient:
    router = APIRouter()

    @router.get("/whoami")
    def whoami(request: Request) -> dict:
        return {"address": client_address(request)}

    app = create_service_app(
        BaseServiceSettings(**settings),
        title="t",
        description="d",
        routers=[router],
        readiness_checks={},
    )
    return TestClient(app)  # its peer is "testclient"


def test_every_service_resolves_the_address_in_its_app_factory() -> None:
    forged = {"X-Forwarded-For": "198.51.100.7"}
    assert make_client().get("/whoami", headers=forged).json() == {"address": "testclient"}


def test_a_trusted_proxy_also_says_the_scheme() -> None:
    router = APIRouter()

    @router.get("/scheme")
    def scheme(request: Request) -> dict:
        return {"scheme": request.url.scheme, "address": client_address(request)}

    def client(trusted: list[str]) -> TestClient:
        settings = BaseServiceSettings(trusted_proxies=trusted)
        app = create_service_app(
            settings, title="t", description="d", routers=[router], readiness_checks={}
        )
        return TestClient(app, client=("10.0.0.2", 5000))

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    assert client(["10.0.0.0/8"]).get("/scheme", headers=forwarded).json() == {
        "scheme": "https",
        "address": "203.0.113.5",
    }
    assert client([]).get("/scheme", headers=forwarded).json() == {
        "scheme": "http",
        "address": "10.0.0.2",
    }


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        BaseServiceSettings(trusted_proxies=["the gateway"])


def test_lists_come_from_the_environment_comma_separated(monkeypatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    monkeypatch.setenv("TRUSTED_ORIGINS", '["https://app.example"]')
    settings = BaseServiceSettings()
    assert settings.trusted_proxies == ["10.0.0.0/8", "127.0.0.1"]
    assert settings.trusted_origins == ["https://app.example"]
