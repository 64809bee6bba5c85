"""Runs the libvips pipeline in a pool of worker processes, off the event loop.

Processes rather than threads for three reasons: a job that exceeds its timeout is stopped by
killing its process (libvips work cannot be interrupted from Python); a decoder crash on a hostile
file takes down one disposable process, not the worker and its Kafka heartbeats; and each process
is replaced after a number of jobs, which bounds memory growth from fragmentation.
"""

import asyncio
import multiprocessing
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from transformer_service.adapters.vips_runtime import configure_libvips
from transformer_service.domain.errors import JobTimedOut, WorkerCrashed
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline


def _started() -> bool:
    return True


class PipelinePool:
    def __init__(
        self, processes: int, threads_per_process: int, timeout: float, jobs_per_process: int
    ) -> None:
        self.timeout = timeout
        # spawn: a fork of a process running an event loop and Kafka client threads is unsafe.
        self._pool = ProcessPool(
            max_workers=processes,
            max_tasks=jobs_per_process,
            initializer=configure_libvips,
            initargs=(threads_per_process,),
            context=multiprocessing.get_context("spawn"),
        )

    async def run(self, job: Job) -> Rendered:
        future = self._pool.schedule(run_pipeline, args=(job,), timeout=self.timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout as exc:
            raise JobTimedOut(
                f"the transformation took longer than {self.timeout:g} s and was stopped"
            ) from exc
        except ProcessExpired as exc:
            raise WorkerCrashed(
                f"the image decoder crashed on this source (exit code {exc.exitcode})"
            ) from exc
        except asyncio.CancelledError:
            future.cancel()  # type: ignore[no-untyped-call]  # pebble is unannotated; stops the process
            raise

    def warm_up(self) -> None:
        """Start the processes now, not on the first job (spawning imports libvips)."""
        self._pool.schedule(_started).result(timeout=120)

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble is unannotated
        self._pool.join(timeout=10)
