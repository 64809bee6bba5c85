"""Moving-window rate limits on the `limits` library, in memory or shared through Redis."""

import logging
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from gateway_service.domain.rate_policy import LimitCategory, RateLimitDecision

log = logging.getLogger(__name__)


class PruningMemoryStorage(MemoryStorage):
    """limits' in-process storage, pruning expired entries at most once a second.

    The library prunes after every hit, in a worker thread: a thread hop per request, the most
    expensive part of a hit. Pruning is housekeeping only (every decision reads the entries'
    timestamps), so doing it once a second changes no answer and still bounds the lists.
    """

    PRUNE_INTERVAL_SECONDS = 1.0
    _pruned_at = 0.0

    # Overrides the library's private (name-mangled) scheduler; a test checks it still exists.
    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at >= self.PRUNE_INTERVAL_SECONDS:
            self._pruned_at = now
            await MemoryStorage._MemoryStorage__schedule_expiry(self)  # type: ignore[attr-defined]


def _async_storage(uri: str) -> Storage:
    """`memory://` or `redis://...` as the settings say it; `limits` wants the async+ scheme."""
    scheme = uri.split("://", 1)[0]
    if scheme.startswith("async+"):
        scheme, uri = scheme.removeprefix("async+"), uri
    else:
        uri = f"async+{uri}"
    if scheme.startswith("redis"):
        # redis-py's asyncio client (already a dependency) rather than limits' default coredis.
        storage = storage_from_string(uri, implementation="redispy")
    elif scheme == "memory":
        return PruningMemoryStorage()
    else:
        storage = storage_from_string(uri)
    if not isinstance(storage, Storage):  # the async+ scheme above makes it an asyncio one
        raise TypeError(f"{uri} does not name an asyncio storage")
    return storage


class RateLimiter:
    def __init__(self, storage_uri: str, limits: dict[LimitCategory, str]) -> None:
        self.storage = _async_storage(storage_uri)
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._items: dict[LimitCategory, RateLimitItem] = {
            category: parse(limit) for category, limit in limits.items()
        }

    async def hit(self, category: LimitCategory, identity: str) -> RateLimitDecision:
        item = self._items[category]
        try:
            allowed = await self._strategy.hit(item, category.value, identity)
            stats = await self._strategy.get_window_stats(item, category.value, identity)
        except Exception:
            # Fail open: a rate-limit store outage must not take the whole platform down with it.
            log.warning(
                "rate limit storage unavailable; letting the request through", exc_info=True
            )
            return RateLimitDecision(True, item.amount, item.amount, item.get_expiry())
        return RateLimitDecision(
            allowed, item.amount, stats.remaining, stats.reset_time - time.time()
        )

    def amount(self, category: LimitCategory) -> int:
        return self._items[category].amount

    async def spend(self, category: LimitCategory, identity: str, cost: int) -> None:
        """Spend `cost` more of the budget after the fact (an expensive request), as much of it
        as is left: the window refuses the next request until it has paid for this one."""
        item = self._items[category]
        try:
            stats = await self._strategy.get_window_stats(item, category.value, identity)
            cost = min(cost, stats.remaining)
            if cost > 0:
                await self._strategy.hit(item, category.value, identity, cost=cost)
        except Exception:
            log.warning("rate limit storage unavailable; cost not spent", exc_info=True)

    async def test(self, category: LimitCategory, identity: str) -> bool:
        """Whether a hit would be allowed now, without spending one (fails open, like hit)."""
        try:
            return await self._strategy.test(self._items[category], category.value, identity)
        except Exception:
            log.warning("rate limit storage unavailable; allowing", exc_info=True)
            return True

    async def ping(self) -> bool:
        return await self.storage.check()
