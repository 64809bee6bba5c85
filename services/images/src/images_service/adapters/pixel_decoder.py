"""The upload's pixels, decoded in one disposable process (adapters/image_pixels.py runs there).

The API process reads headers only; the decode, the one step where a hostile file can crash or
hang a decoder and where an upload's memory peaks (a progressive JPEG's coefficient buffer),
runs in a pool process: a crash or a hang costs that process, never the API and its other
requests, and the peak is held there. One process: uploads wait their turn for it, which bounds
the memory to one decode's; the decode is a 64 px thumbnail, tens of milliseconds.

The bytes are not copied across: a spooled upload past its in-memory size is a file, which the
process opens itself through /proc (the same file, read from its start; the API process holds it
open until the answer comes back). Small uploads are sent inline.
"""

import os
from typing import BinaryIO

from images_service.adapters.image_pixels import (
    PixelInsight,
    PixelSource,
    UndecodablePixels,
    read_pixel_insight,
    start_pixel_process,
)
from images_service.adapters.spooling import SPOOL_IN_MEMORY_BYTES
from platform_common.process_pool import IsolatedPool, JobTimedOut, ProcessCrashed


def _path_of(file: BinaryIO) -> str | None:
    """The path another process opens this open file by, if it is a file on disk."""
    try:
        path = f"/proc/{os.getpid()}/fd/{file.fileno()}"
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None
    return path if os.path.exists(path) else None


def pixel_source(file: BinaryIO, size: int, hevc: bool) -> PixelSource:
    """By reference past SPOOL_IN_MEMORY_BYTES when the file is on disk (asking a smaller spooled
    file for its descriptor would write it out first); inline otherwise."""
    path = _path_of(file) if size > SPOOL_IN_MEMORY_BYTES else None
    if path is not None:
        return PixelSource(path=path, data=None, hevc=hevc)
    file.seek(0)
    data = file.read()
    file.seek(0)
    return PixelSource(path=None, data=data, hevc=hevc)


class PixelDecoder:
    def __init__(self, timeout: float, decodes_per_process: int) -> None:
        self._pool = IsolatedPool(1, decodes_per_process, timeout, start_pixel_process)

    def insight(self, file: BinaryIO, size: int, hevc: bool) -> PixelInsight:
        """Blocks the calling thread (the API's thread pool) until the process answers."""
        try:
            return self._pool.call(read_pixel_insight, pixel_source(file, size, hevc))
        except JobTimedOut as exc:
            raise UndecodablePixels(
                f"its pixels took longer than {exc.timeout:g} s to decode"
            ) from exc
        except ProcessCrashed as exc:
            raise UndecodablePixels("the decoder crashed on its pixels") from exc

    def warm_up(self) -> None:
        self._pool.warm_up()

    def close(self) -> None:
        self._pool.close()
