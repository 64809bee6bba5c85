"""What runs inside a libvips pool process: reading the task's objects from S3 itself (through a
bounded LRU cache of recent sources, by size) and running the pipeline.

Each process has its own S3 reader (one signed GET per source, platform_common.s3_client) and
cache, made once by the pool's initializer, so nothing large crosses the process boundary but
the encoded result. A crash or a hang takes down this process only; its cache goes with it.
"""

from dataclasses import dataclass

from cachetools import LRUCache

from platform_common.s3_client import SignedS3Client
from platform_common.settings import S3Settings
from transformer_service.adapters.storage import read_source
from transformer_service.adapters.vips_runtime import configure_libvips
from transformer_service.domain.pipeline import Rendered
from transformer_service.domain.render_task import RenderTask, render


@dataclass(frozen=True)
class WorkerStorage:
    """How a pool process reaches the sources (picklable: handed to each new process)."""

    s3: S3Settings
    bucket: str
    cache_bytes: int = 32 * 1024 * 1024


class _Sources:
    def __init__(self, storage: WorkerStorage) -> None:
        self.store = SignedS3Client(storage.s3, storage.bucket)
        self.cache: LRUCache[str, bytes] = LRUCache(storage.cache_bytes, getsizeof=len)

    def read(self, key: str) -> bytes:
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        data = read_source(self.store, key)
        if len(data) <= self.cache.maxsize:
            self.cache[key] = data  # objects at a key never change: the key is the version
        return data


_sources: _Sources | None = None


def start_worker(threads: int, storage: WorkerStorage | None) -> None:
    """The pool's initializer: libvips configured, the S3 reader and the cache made once."""
    global _sources  # one per process by design: the process is the unit of isolation
    configure_libvips(threads)
    _sources = _Sources(storage) if storage is not None else None


def render_from_storage(task: RenderTask) -> Rendered:
    if _sources is None:
        raise RuntimeError("this pool was started without storage")
    return render(task, _sources.read)
