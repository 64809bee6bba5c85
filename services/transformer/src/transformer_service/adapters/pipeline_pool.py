"""Runs the libvips pipeline in a pool of worker processes, off the event loop.

Processes rather than threads for three reasons: a job that exceeds its timeout is stopped by
killing its process (libvips work cannot be interrupted from Python); a decoder crash on a hostile
file takes down one disposable process, not the worker and its Kafka heartbeats; and each process
is replaced after a number of jobs, which bounds memory growth from fragmentation.

A render is handed over by reference (`RenderTask`): the process reads the source from S3 itself,
through its own bounded cache, so the source is never pickled into the pool and the parent never
holds it. `run(Job)` (bytes given) remains for callers that already have the bytes.
"""

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pebble import ProcessExpired, ProcessPool

from transformer_service.adapters.pool_worker import (
    WorkerStorage,
    render_from_storage,
    start_worker,
)
from transformer_service.domain.errors import JobTimedOut, WorkerCrashed
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline
from transformer_service.domain.render_task import RenderTask

BROKEN_POOL_CHECK_SECONDS = 0.5


def _started() -> bool:
    return True


class PipelinePool:
    def __init__(
        self,
        processes: int,
        threads_per_process: int,
        timeout: float,
        jobs_per_process: int,
        storage: WorkerStorage | None = None,
    ) -> None:
        self.timeout = timeout
        # Fewer malloc arenas in the pool processes: libvips' threads otherwise each keep one,
        # and freed image memory stays in them (a bound on the worker's peak RSS). Read by glibc
        # at process start, so it is set before the processes are spawned.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        self._options: dict[str, Any] = {
            "max_workers": processes,
            "max_tasks": jobs_per_process,
            "initializer": start_worker,
            "initargs": (threads_per_process, storage),
            # spawn: a fork of a process running an event loop and Kafka client threads is unsafe.
            "context": multiprocessing.get_context("spawn"),
        }
        self._pool = ProcessPool(**self._options)

    def _live_pool(self) -> ProcessPool:
        # pebble gives a pool up for broken when every one of its processes dies at once (killed
        # together: the OOM killer, an operator) and refuses all later jobs; a new pool takes its
        # place, so the worker does not fail every request until it is restarted.
        if not self._pool.active:
            self._pool.stop()  # type: ignore[no-untyped-call]  # pebble is unannotated
            self._pool = ProcessPool(**self._options)
        return self._pool

    async def render(self, task: RenderTask) -> Rendered:
        """The process reads the task's objects from S3 itself (through its cache)."""
        return await self._run(render_from_storage, task)

    async def run(self, job: Job) -> Rendered:
        return await self._run(run_pipeline, job)

    async def _run(self, function: Callable[[Any], Rendered], work: object) -> Rendered:
        try:
            return await self._once(function, work)
        except (ProcessExpired, BrokenProcessPool):
            # The process was killed under this job (the OOM killer, an operator, a crash), with
            # all the others perhaps: once more in a fresh process. A source that kills its
            # decoder twice is the suspect.
            pass
        try:
            return await self._once(function, work)
        except ProcessExpired as exc:
            raise WorkerCrashed(
                f"the image decoder crashed on this source (exit code {exc.exitcode})"
            ) from exc
        except BrokenProcessPool as exc:
            raise WorkerCrashed("the image decoder crashed on this source") from exc

    async def _once(self, function: Callable[[Any], Rendered], work: object) -> Rendered:
        pool = self._live_pool()
        future = pool.schedule(function, args=(work,), timeout=self.timeout)
        waiting = asyncio.wrap_future(future)
        try:
            # A pool broken under this job (all its processes killed at once) never settles the
            # job's future, nor stops it at its timeout: its state is looked at while waiting.
            while not (await asyncio.wait({waiting}, timeout=BROKEN_POOL_CHECK_SECONDS))[0]:
                if not pool.active:
                    future.cancel()  # type: ignore[no-untyped-call]  # pebble is unannotated
                    raise BrokenProcessPool("every process of the pool died")
            return waiting.result()
        except FutureTimeout as exc:
            raise JobTimedOut(
                f"the transformation took longer than {self.timeout:g} s and was stopped"
            ) from exc
        except asyncio.CancelledError:
            future.cancel()  # type: ignore[no-untyped-call]  # pebble is unannotated; stops the process
            raise

    def warm_up(self) -> None:
        """Start the processes now, not on the first job (spawning imports libvips)."""
        self._live_pool().schedule(_started).result(timeout=120)

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble is unannotated
        self._pool.join(timeout=10)
