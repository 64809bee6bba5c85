"""The address policy shared by webhooks and upload-from-URL, with DNS stubbed: private,
loopback, link-local and metadata destinations are refused before any connection is attempted.
No test here opens a socket: the HTTP client's transport fails the test if it is ever used."""

import asyncio
import ipaddress

import httpx
import pytest

from images_service.adapters.pinned_http import pin
from images_service.domain.address_policy import AddressPolicy, refusal_reason
from images_service.domain.errors import (
    ForbiddenAddress,
    InvalidRequest,
    RemoteFetchFailed,
    UploadTooLarge,
)
from images_service.service_layer.remote_fetch import FetchLimits, download

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "169.254.169.254",  # AWS/GCP/Azure instance metadata
    "100.100.100.200",  # Alibaba metadata (shared address space)
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fd00:ec2::254",  # AWS metadata over IPv6
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:169.254.169.254",
    "::",
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]
LIMITS = FetchLimits(max_bytes=1024 * 1024, timeout_seconds=5, max_redirects=3)


def resolving(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        return table.get(host, [])

    return resolve


def no_connection(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a connection was attempted to {request.url}")


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert refusal_reason(ipaddress.ip_address(address)) is not None
    with pytest.raises(ForbiddenAddress):
        AddressPolicy().check("example.test", [address])


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert AddressPolicy().check("example.test", [address]) == [ipaddress.ip_address(address)]


def test_allowed_networks_open_exactly_what_they_name() -> None:
    policy = AddressPolicy.allowing(["127.0.0.2/32"])
    policy.check("test-origin", ["127.0.0.2"])
    with pytest.raises(ForbiddenAddress):
        policy.check("localhost", ["127.0.0.1"])


def test_without_public_addresses_only_the_allowed_networks_pass() -> None:
    policy = AddressPolicy.allowing(["127.0.0.2/32"], public=False)
    policy.check("test-origin", ["127.0.0.2"])
    with pytest.raises(ForbiddenAddress, match="public"):
        policy.check("example.com", ["93.184.215.14"])


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    with pytest.raises(ForbiddenAddress) as refused:
        AddressPolicy().check("rebind.test", ["93.184.215.14", "10.0.0.1"])
    assert refused.value.address == "10.0.0.1"
    assert "private" in refused.value.message


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "fd00:ec2::254"])
async def test_pin_refuses_a_name_resolving_inside(address: str) -> None:
    resolver = resolving({"inside.example": [address]})
    with pytest.raises(ForbiddenAddress):
        await pin(httpx.URL("http://inside.example/x"), AddressPolicy(), resolver)


async def test_pin_connects_to_the_checked_address_and_keeps_the_name() -> None:
    target = await pin(
        httpx.URL("https://photos.example:8443/a.jpg"),
        AddressPolicy(),
        resolving({"photos.example": ["93.184.215.14"]}),
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(no_connection)) as client:
        request = target.request(client, "GET")
    assert request.url.host == "93.184.215.14"
    assert request.headers["host"] == "photos.example:8443"
    assert request.extensions["sni_hostname"] == "photos.example"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/photo.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.example/computeMetadata/v1/",
    ],
)
async def test_fetch_refuses_before_connecting(url: str) -> None:
    resolver = resolving({"metadata.example": ["169.254.169.254"]})
    async with httpx.AsyncClient(transport=httpx.MockTransport(no_connection)) as client:
        with pytest.raises(ForbiddenAddress):
            await download(client, url, AddressPolicy(), resolver, LIMITS)


async def test_a_redirect_inside_is_refused_before_following_it() -> None:
    seen: list[str] = []

    def origin(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host != "93.184.215.14":
            raise AssertionError(f"followed a redirect to {request.url}")
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"})

    resolver = resolving({"public.example": ["93.184.215.14"]})
    async with httpx.AsyncClient(transport=httpx.MockTransport(origin)) as client:
        with pytest.raises(ForbiddenAddress):
            await download(client, "http://public.example/a.jpg", AddressPolicy(), resolver, LIMITS)
    assert seen == ["http://93.184.215.14/a.jpg"]


@pytest.mark.parametrize("url", ["ftp://example.com/a.jpg", "file:///etc/passwd", "gopher://x/"])
async def test_only_http_and_https(url: str) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(no_connection)) as client:
        with pytest.raises(InvalidRequest):
            await download(client, url, AddressPolicy(), resolving({}), LIMITS)


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(no_connection)) as client:
        with pytest.raises(ForbiddenAddress, match="does not resolve"):
            await download(client, "http://nx.example/", AddressPolicy(), resolving({}), LIMITS)


PUBLIC_ORIGIN = resolving({"photos.example": ["93.184.215.14"]})
PHOTO_URL = "http://photos.example/a"


async def test_a_declared_oversize_body_is_refused_unread() -> None:
    def origin(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(10 * LIMITS.max_bytes)})

    async with httpx.AsyncClient(transport=httpx.MockTransport(origin)) as client:
        with pytest.raises(UploadTooLarge):
            await download(client, PHOTO_URL, AddressPolicy(), PUBLIC_ORIGIN, LIMITS)


async def test_an_undeclared_oversize_body_is_cut_off() -> None:
    async def endless():
        while True:
            yield b"\xff" * 65536

    def origin(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    async with httpx.AsyncClient(transport=httpx.MockTransport(origin)) as client:
        with pytest.raises(UploadTooLarge):
            await download(client, PHOTO_URL, AddressPolicy(), PUBLIC_ORIGIN, LIMITS)


async def test_a_source_that_stalls_hits_the_time_bound() -> None:
    async def stalled():
        yield b"\xff\xd8"
        await asyncio.Event().wait()  # never set: the source stops sending

    def origin(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=stalled())

    limits = FetchLimits(max_bytes=LIMITS.max_bytes, timeout_seconds=0.2, max_redirects=0)
    async with httpx.AsyncClient(transport=httpx.MockTransport(origin)) as client:
        with pytest.raises(RemoteFetchFailed) as failed:
            await download(client, PHOTO_URL, AddressPolicy(), PUBLIC_ORIGIN, limits)
    assert failed.value.code == "fetch_timeout"


async def test_redirects_are_bounded() -> None:
    def origin(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(origin)) as client:
        with pytest.raises(RemoteFetchFailed, match="redirected more than 3"):
            await download(client, PHOTO_URL, AddressPolicy(), PUBLIC_ORIGIN, LIMITS)
