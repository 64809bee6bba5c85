"""Downloading an image from a URL a user gave us, safely (server-side request forgery).

http and https only; every hop (the first URL and each redirect) is resolved once, checked
against the address policy and connected to at the checked address; bounded in redirects, bytes
and wall-clock time. What comes back is only bytes: the caller registers them exactly like an
upload, so they get the same type sniffing, size and pixel checks.
"""

import asyncio
from dataclasses import dataclass
from typing import BinaryIO

import httpx

from images_service.adapters.pinned_http import Resolver, parse_target_url, pin
from images_service.adapters.spooling import spooled_file
from images_service.domain.address_policy import AddressPolicy
from images_service.domain.errors import RemoteFetchFailed, UploadTooLarge

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout_seconds: float
    max_redirects: int


@dataclass
class Downloaded:
    file: BinaryIO
    filename: str | None


def _filename_of(url: httpx.URL) -> str | None:
    return url.path.rsplit("/", 1)[-1] or None


async def _spool(response: httpx.Response, max_bytes: int) -> BinaryIO:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise UploadTooLarge(max_bytes)  # refused before reading a byte of the body
    file = spooled_file()
    size = 0
    async for chunk in response.aiter_bytes(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            file.close()
            raise UploadTooLarge(max_bytes)
        file.write(chunk)
    file.seek(0)
    return file


def _redirect_target(url: httpx.URL, location: str) -> httpx.URL:
    """Relative or absolute, the next hop is parsed (and then checked) like the first one."""
    try:
        joined = url.join(location)
    except httpx.InvalidURL as exc:
        raise RemoteFetchFailed(f"The source redirected to an invalid URL: {exc}") from exc
    return parse_target_url(str(joined), "redirect")


async def _follow(
    client: httpx.AsyncClient, url: httpx.URL, policy: AddressPolicy, resolver: Resolver,
    limits: FetchLimits,
) -> Downloaded:  # fmt: skip
    for _hop in range(limits.max_redirects + 1):
        target = await pin(url, policy, resolver)
        request = target.request(client, "GET", headers={"Accept": "image/*"})
        response = await client.send(request, stream=True)
        try:
            if response.is_redirect:
                url = _redirect_target(url, response.headers["location"])
                continue
            if not response.is_success:
                raise RemoteFetchFailed(
                    f"The source answered HTTP {response.status_code}, not an image",
                    details={"status": response.status_code},
                )
            return Downloaded(await _spool(response, limits.max_bytes), _filename_of(url))
        finally:
            await response.aclose()
    raise RemoteFetchFailed(f"The source redirected more than {limits.max_redirects} times")


async def download(
    client: httpx.AsyncClient, raw_url: str, policy: AddressPolicy, resolver: Resolver,
    limits: FetchLimits,
) -> Downloaded:  # fmt: skip
    url = parse_target_url(raw_url)
    try:
        async with asyncio.timeout(limits.timeout_seconds):
            return await _follow(client, url, policy, resolver, limits)
    except TimeoutError as exc:
        raise RemoteFetchFailed(
            f"The source did not deliver the image within {limits.timeout_seconds:g} seconds",
            code="fetch_timeout",
        ) from exc
    except httpx.HTTPError as exc:
        raise RemoteFetchFailed(
            f"Could not download from the source: {type(exc).__name__}"
        ) from exc
