"""Keeping the API process's memory bounded under bursts of large uploads (#13).

Each upload's buffers (the multipart parser's, S3's, libvips' header read) are freed when it
ends, but glibc keeps freed memory in per-thread arenas, up to one per thread of the pool per
core times eight, and returns little of it to the system: RSS only grew, wave after wave. Fewer
arenas (they are shared more, and so reused) and a `malloc_trim` once a burst is over give it
back.
"""

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
from collections.abc import AsyncIterator

import pyvips

log = logging.getLogger(__name__)
M_ARENA_MAX = -8  # glibc's mallopt parameter numbers
M_MMAP_THRESHOLD = -3
ARENAS = 2
# Blocks from this size up are mapped on their own and unmapped when freed. glibc's default
# threshold starts at 128 KB but rises with every large block freed (up to 32 MB), after which
# a progressive JPEG's ~40 MB of libjpeg coefficient buffers land in an arena and stay there
# until the burst ends; set explicitly, it stays put.
MMAP_THRESHOLD_BYTES = 256 * 1024

_libc: ctypes.CDLL | None = None


def bound_process_memory() -> None:
    """Once at start-up, before the thread pool spins up: at most ARENAS malloc arenas, and no
    libvips operation cache (no process of this service reads the same image twice)."""
    global _libc
    pyvips.cache_set_max(0)
    pyvips.cache_set_max_mem(0)
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        _libc = ctypes.CDLL(name)
        _libc.mallopt(M_ARENA_MAX, ARENAS)
        _libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to tune
        _libc = None


def give_back_freed_memory() -> None:
    """Return the heap's free memory to the system (one pass over the arenas: milliseconds)."""
    if _libc is not None:
        _libc.malloc_trim(0)


class LargeRequests:
    """Counts the large requests in flight; when the last of a burst ends, freed memory goes
    back to the system (so RSS falls back after a wave instead of staying at its peak)."""

    def __init__(self) -> None:
        self._active = 0

    @contextlib.asynccontextmanager
    async def one(self) -> AsyncIterator[None]:
        self._active += 1  # on the event loop: no lock needed
        try:
            yield
        finally:
            self._active -= 1
            if self._active == 0:
                await asyncio.to_thread(give_back_freed_memory)
