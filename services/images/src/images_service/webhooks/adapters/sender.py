"""POSTing one signed webhook to its endpoint, through the pinned outbound client."""

import asyncio
import time
from dataclasses import dataclass

import httpx

from images_service.adapters.pinned_http import Resolver, pin
from images_service.domain.address_policy import AddressPolicy
from images_service.domain.errors import ForbiddenAddress, InvalidRequest
from images_service.webhooks.domain.signing import signed_headers

MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class SendOutcome:
    status_code: int | None
    error: str | None
    duration_ms: int


async def send_webhook(
    client: httpx.AsyncClient, url: str, secret: str, message_id: str, body: bytes,
    policy: AddressPolicy, resolver: Resolver, timeout_seconds: float,
) -> SendOutcome:  # fmt: skip
    """Never raises for the receiver's or the network's failure: that is an outcome to retry.
    The address is checked at every attempt, so a name that later points inside is refused.
    Only the status counts: the response body is never read, and the whole attempt (a receiver
    trickling its headers included) is bounded by `timeout_seconds`."""
    began = time.monotonic()
    status_code: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_seconds):
            target = await pin(httpx.URL(url), policy, resolver)
            headers = signed_headers(secret, message_id, int(time.time()), body)
            request = target.request(client, "POST", headers=headers, content=body)
            response = await client.send(request, stream=True)
            await response.aclose()
        status_code = response.status_code
        if not response.is_success:
            error = f"HTTP {status_code}" + (" (redirects are not followed)"
                                             if response.is_redirect else "")  # fmt: skip
    except (ForbiddenAddress, InvalidRequest) as exc:
        error = exc.message
    except TimeoutError:
        error = f"no answer within {timeout_seconds:g} seconds"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    return SendOutcome(status_code, error, int((time.monotonic() - began) * 1000))
