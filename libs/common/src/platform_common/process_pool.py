"""Work on untrusted input in disposable processes: a crash or a hang kills only its process.

Used wherever a decoder meets uploaded bytes (the transformer's pipeline, the images service's
upload thumbnail). It is pebble's ProcessPool (a job past its timeout is stopped by killing its
process, which libvips work cannot be from Python; each process is replaced after a number of
jobs, which bounds growth from fragmentation) with what both services need around it:
- a pool pebble gave up for broken (every process killed at once: the OOM killer, an operator)
  is replaced, so the service does not fail every later job until it is restarted;
- the wait looks at the pool's state, since a broken pool never settles its jobs' futures;
- a job whose process died under it runs once more in a fresh process: a neighbour's crash or
  the OOM killer may have taken it. An input that kills its process twice is the suspect.
"""

import asyncio
import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessFuture, ProcessPool

BROKEN_POOL_CHECK_SECONDS = 0.5
Work = TypeVar("Work")
Result = TypeVar("Result")


class JobTimedOut(Exception):
    def __init__(self, timeout: float) -> None:
        super().__init__(f"the job took longer than {timeout:g} s and its process was stopped")
        self.timeout = timeout


class ProcessCrashed(Exception):
    """The process died under the same job twice: the job's input is the suspect."""

    def __init__(self, exit_code: int | None) -> None:
        shown = f" (exit code {exit_code})" if exit_code is not None else ""
        super().__init__(f"the process died on this input{shown}")
        self.exit_code = exit_code


def _started() -> bool:
    return True


def _exit_code(error: Exception) -> int | None:
    return error.exitcode if isinstance(error, ProcessExpired) else None


class IsolatedPool:
    def __init__(
        self,
        processes: int,
        jobs_per_process: int,
        timeout: float,
        initializer: Callable[..., None] | None = None,
        initargs: Iterable[object] = (),
    ) -> None:
        self.timeout = timeout
        # Fewer malloc arenas in the processes: libvips' threads otherwise each keep one, and
        # freed image memory stays in them. glibc reads it at process start: set before spawning.
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        self._options: dict[str, Any] = {
            "max_workers": processes,
            "max_tasks": jobs_per_process,
            "initializer": initializer,
            "initargs": tuple(initargs),
            # spawn: a fork of a process running an event loop and client threads is unsafe.
            "context": multiprocessing.get_context("spawn"),
        }
        # pebble starts the processes on the first job (or warm_up), not here.
        self._pool = ProcessPool(**self._options)

    def _live_pool(self) -> ProcessPool:
        if not self._pool.active:
            self._pool.stop()  # type: ignore[no-untyped-call]  # pebble is unannotated
            self._pool = ProcessPool(**self._options)
        return self._pool

    async def run(self, function: Callable[[Work], Result], work: Work) -> Result:
        """`function(work)` in a pool process, awaited; cancelling the wait stops the process."""
        try:
            return await self._run_once(function, work)
        except (ProcessExpired, BrokenProcessPool):
            pass  # once more, in a fresh process (see the module's docstring)
        try:
            return await self._run_once(function, work)
        except (ProcessExpired, BrokenProcessPool) as exc:
            raise ProcessCrashed(_exit_code(exc)) from exc

    def call(self, function: Callable[[Work], Result], work: Work) -> Result:
        """`function(work)` in a pool process, from a thread that blocks until it is done."""
        try:
            return self._call_once(function, work)
        except (ProcessExpired, BrokenProcessPool):
            pass
        try:
            return self._call_once(function, work)
        except (ProcessExpired, BrokenProcessPool) as exc:
            raise ProcessCrashed(_exit_code(exc)) from exc

    async def _run_once(self, function: Callable[[Work], Result], work: Work) -> Result:
        pool = self._live_pool()
        future = pool.schedule(function, args=(work,), timeout=self.timeout)
        waiting = asyncio.wrap_future(future)
        try:
            while not (await asyncio.wait({waiting}, timeout=BROKEN_POOL_CHECK_SECONDS))[0]:
                self._check_alive(pool, future)
            return waiting.result()
        except TimeoutError as exc:  # pebble's: the job ran past its timeout
            raise JobTimedOut(self.timeout) from exc
        except asyncio.CancelledError:
            future.cancel()  # type: ignore[no-untyped-call]  # pebble is unannotated; stops the process
            raise

    def _call_once(self, function: Callable[[Work], Result], work: Work) -> Result:
        pool = self._live_pool()
        future = pool.schedule(function, args=(work,), timeout=self.timeout)
        while not concurrent.futures.wait([future], timeout=BROKEN_POOL_CHECK_SECONDS)[0]:
            self._check_alive(pool, future)
        try:
            return future.result()
        except TimeoutError as exc:
            raise JobTimedOut(self.timeout) from exc

    @staticmethod
    def _check_alive(pool: ProcessPool, future: ProcessFuture[Any]) -> None:
        if not pool.active:
            future.cancel()  # type: ignore[no-untyped-call]  # pebble is unannotated
            raise BrokenProcessPool("every process of the pool died")

    def warm_up(self) -> None:
        """Start the processes now, not on the first job (a spawn imports the decoders)."""
        self._live_pool().schedule(_started).result(timeout=120)

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble is unannotated
        self._pool.join(timeout=10)
