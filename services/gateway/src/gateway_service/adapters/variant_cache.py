"""A small in-memory LRU of immutable variant bodies, bounded in bytes, keyed per user."""

from dataclasses import dataclass

from cachetools import TTLCache

from gateway_service.domain.caching import image_id_of
from gateway_service.domain.headers import RawHeaders

# Roughly what one entry costs beyond its body (key, header list, object headers).
_ENTRY_OVERHEAD = 512

CacheKey = tuple[str, str]  # (user, path): the same URL is never shared between users


@dataclass(frozen=True, slots=True)
class CachedVariant:
    headers: RawHeaders
    body: bytes
    etag: bytes | None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + _ENTRY_OVERHEAD


class VariantCache:
    def __init__(self, max_bytes: int, max_item_bytes: int, ttl_seconds: float) -> None:
        self.max_item_bytes = min(max_item_bytes, max_bytes)
        self._entries: TTLCache[CacheKey, CachedVariant] = TTLCache(
            maxsize=max(1, max_bytes), ttl=ttl_seconds, getsizeof=lambda entry: entry.size
        )

    @property
    def enabled(self) -> bool:
        return self.max_item_bytes > 0

    @property
    def current_bytes(self) -> int:
        return int(self._entries.currsize)

    def get(self, user: str, path: str) -> CachedVariant | None:
        return self._entries.get((user, path))

    def put(self, user: str, path: str, variant: CachedVariant) -> None:
        if variant.size <= self._entries.maxsize:
            self._entries[(user, path)] = variant

    def drop_image(self, image_id: str) -> None:
        """After a delete through this replica, its variants stop being served at once."""
        for key in [k for k in list(self._entries.keys()) if image_id_of(k[1]) == image_id]:
            self._entries.pop(key, None)
