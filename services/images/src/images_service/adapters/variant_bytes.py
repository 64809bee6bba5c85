"""Small variants' bytes kept in memory, keyed by their content address, bounded in bytes.

A variant key is a hash of the source and the spec, so the bytes behind it never change: an
entry is never stale, only evicted (least recently used first). The cache answers "what are the
bytes of this key", never "may this caller have them": the ownership check runs before it, on
every request, so a deleted image or another user's is refused as if nothing were cached.
"""

import threading
from collections import OrderedDict


class VariantBytes:
    def __init__(self, max_bytes: int, max_item_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_item_bytes = min(max_item_bytes, max_bytes)
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # used from the event loop and the thread pool

    def fits(self, size: int | None) -> bool:
        return size is not None and 0 < size <= self.max_item_bytes

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._entries.get(key)
            if data is not None:
                self._entries.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if not self.fits(len(data)):
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)

    @property
    def size(self) -> int:
        return self._size
