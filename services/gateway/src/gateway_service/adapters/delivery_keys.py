"""Each account's signing pairs, read from the images service and kept for a short TTL.

Verifying a URL then costs no I/O for a hot account. Concurrent misses for one account share one
fetch. A key deleted through this replica is forgotten at once (`forget`); other replicas stop
accepting it when their entry expires (`delivery_key_cache_seconds`).
"""

import asyncio
import json
import time
import uuid

import httpx
from cachetools import LRUCache

from gateway_service.adapters.upstream_client import Upstreams, UpstreamUnavailable
from gateway_service.domain.routes import Upstream
from platform_common.delivery import SigningPair

MAX_ACCOUNTS = 100_000
Entry = tuple[float, tuple[SigningPair, ...]]


class DeliveryKeyStore:
    def __init__(self, upstreams: Upstreams, internal_token: str, ttl_seconds: float) -> None:
        self.upstreams = upstreams
        self.ttl = ttl_seconds
        self._headers = {"x-internal-token": internal_token}
        self._entries: LRUCache[uuid.UUID, Entry] = LRUCache(maxsize=MAX_ACCOUNTS)
        self._fetching: dict[uuid.UUID, asyncio.Task[tuple[SigningPair, ...]]] = {}

    async def pairs(self, account_id: uuid.UUID) -> tuple[SigningPair, ...]:
        entry = self._entries.get(account_id)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        task = self._fetching.get(account_id)
        if task is None:
            task = asyncio.ensure_future(self._fetch(account_id))
            self._fetching[account_id] = task
            task.add_done_callback(lambda _: self._fetching.pop(account_id, None))
        return await asyncio.shield(task)

    def forget(self, account_id: uuid.UUID) -> None:
        self._entries.pop(account_id, None)

    async def _fetch(self, account_id: uuid.UUID) -> tuple[SigningPair, ...]:
        """Raises UpstreamError (images down, or refusing us) for the caller's 503/504."""
        url = self.upstreams.urls[Upstream.IMAGES].join(f"/internal/delivery/{account_id}/keys")
        response = await self.upstreams.send(httpx.Request("GET", url, headers=self._headers))
        try:
            body = b"".join([chunk async for chunk in self.upstreams.body(response)])
        finally:
            await response.aclose()
        if response.status_code != 200:
            raise UpstreamUnavailable(f"signing keys of {account_id}: {response.status_code}")
        pairs = tuple(
            SigningPair.from_hex(item["id"], item["key"], item["salt"])
            for item in json.loads(body)["keys"]
        )
        self._entries[account_id] = (time.monotonic() + self.ttl, pairs)
        return pairs
