"""Peak RSS of every process of a running platform, sampled in a thread of the bench.

Each component's main process is `name`, its largest child `name child` (the transformer's
libvips pool processes, PostgreSQL's backends). `sampling` may be cleared while the bench does
work of its own whose CPU must not mix with the platform's (raw pyvips in-process).
"""

import contextlib
import threading
from collections.abc import Callable, Mapping
from types import TracebackType

import psutil

INTERVAL_SECONDS = 0.05


def process_tree(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    return []


class PeakRss:
    def __init__(self, pids: Callable[[], Mapping[str, int]]) -> None:
        self.pids = pids
        self.peak_mb: dict[str, float] = {}
        self.sampling = threading.Event()
        self.sampling.set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self.sampling.set()
        self._thread.join()
        return dict(self.peak_mb)

    def __enter__(self) -> "PeakRss":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _sample(self) -> None:
        while not self._stop.wait(INTERVAL_SECONDS):
            self.sampling.wait()
            for name, pid in self.pids().items():
                for index, process in enumerate(process_tree(pid)):
                    key = name if index == 0 else f"{name} child"
                    with contextlib.suppress(psutil.Error):
                        rss = process.memory_info().rss / 2**20
                        self.peak_mb[key] = max(self.peak_mb.get(key, 0.0), rss)
