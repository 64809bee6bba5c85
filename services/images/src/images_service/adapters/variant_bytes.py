"""Small variants' bytes kept in memory, keyed by their content address, bounded in bytes.

A variant key is a hash of the source and the spec, so the bytes behind it never change: an
entry is never stale, only evicted (least recently used first). The cache answers "what are the
bytes of this key", never "may this caller have them": the ownership check runs before it, on
every request, so a deleted image or another user's is refused as if nothing were cached.
"""

import threading

from cachetools import LRUCache


class VariantBytes:
    def __init__(self, max_bytes: int, max_item_bytes: int) -> None:
        self.max_item_bytes = min(max_item_bytes, max_bytes)
        self._entries: LRUCache[str, bytes] = LRUCache(max_bytes, getsizeof=len)
        self._lock = threading.Lock()  # used from the event loop and the thread pool

    def fits(self, size: int | None) -> bool:
        return size is not None and 0 < size <= self.max_item_bytes

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, data: bytes) -> None:
        if self.fits(len(data)):
            with self._lock:
                self._entries[key] = data

    @property
    def size(self) -> int:
        return int(self._entries.currsize)
