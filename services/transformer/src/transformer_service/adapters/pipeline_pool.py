"""Runs the libvips pipeline in disposable processes, off the event loop
(platform_common.process_pool: a job past its timeout is stopped by killing its process, a
decoder crash on a hostile file takes down one process, not the worker and its Kafka heartbeats).

A render is handed over by reference (`RenderTask`): the process reads the source from S3 itself,
through its own bounded cache, so the source is never pickled into the pool and the parent never
holds it. `run(Job)` (bytes given) remains for callers that already have the bytes.
"""

from collections.abc import Callable
from typing import TypeVar

from platform_common.process_pool import IsolatedPool, JobTimedOut, ProcessCrashed
from transformer_service.adapters.pool_worker import (
    WorkerStorage,
    render_from_storage,
    start_worker,
)
from transformer_service.domain import errors
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline
from transformer_service.domain.render_task import RenderTask

Work = TypeVar("Work")


class PipelinePool:
    def __init__(
        self,
        processes: int,
        threads_per_process: int,
        timeout: float,
        jobs_per_process: int,
        storage: WorkerStorage | None = None,
    ) -> None:
        self._pool = IsolatedPool(
            processes, jobs_per_process, timeout, start_worker, (threads_per_process, storage)
        )

    @property
    def timeout(self) -> float:
        return self._pool.timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._pool.timeout = seconds

    async def render(self, task: RenderTask) -> Rendered:
        """The process reads the task's objects from S3 itself (through its cache)."""
        return await self._run(render_from_storage, task)

    async def run(self, job: Job) -> Rendered:
        return await self._run(run_pipeline, job)

    async def _run(self, function: Callable[[Work], Rendered], work: Work) -> Rendered:
        try:
            return await self._pool.run(function, work)
        except JobTimedOut as exc:
            raise errors.JobTimedOut(
                f"the transformation took longer than {self.timeout:g} s and was stopped"
            ) from exc
        except ProcessCrashed as exc:
            shown = f" (exit code {exc.exit_code})" if exc.exit_code is not None else ""
            raise errors.WorkerCrashed(f"the image decoder crashed on this source{shown}") from exc

    def warm_up(self) -> None:
        """Start the processes now, not on the first job (spawning imports libvips)."""
        self._pool.warm_up()

    def close(self) -> None:
        self._pool.close()
