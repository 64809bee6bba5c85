"""The isolated pool on real spawned processes: a crash or a hang costs a process, not the caller.

The jobs are standard-library callables (len, time.sleep, os._exit, eval), since the processes
cannot import a test module (pytest's importlib mode puts none on their path).
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_common.process_pool import IsolatedPool, JobTimedOut, ProcessCrashed


@pytest.fixture(scope="module")
def pool() -> Iterator[IsolatedPool]:
    pool = IsolatedPool(processes=1, jobs_per_process=100, timeout=5)
    pool.warm_up()
    yield pool
    pool.close()


def test_a_job_runs_in_another_process(pool: IsolatedPool) -> None:
    assert pool.call(len, "four") == 4
    assert pool.call(eval, "__import__('os').getpid()") != os.getpid()


def test_a_job_that_hangs_is_stopped_at_its_timeout_and_the_next_one_runs(
    pool: IsolatedPool,
) -> None:
    pool.timeout = 0.5
    try:
        with pytest.raises(JobTimedOut, match=r"longer than 0\.5 s"):
            pool.call(time.sleep, 60)
    finally:
        pool.timeout = 5
    assert pool.call(len, "ok") == 2


def test_a_job_that_kills_its_process_twice_is_refused_and_the_next_one_runs(
    pool: IsolatedPool,
) -> None:
    with pytest.raises(ProcessCrashed) as crashed:
        pool.call(os._exit, 3)
    assert crashed.value.exit_code == 3
    assert pool.call(len, "ok") == 2


def test_a_job_whose_process_died_once_runs_again_in_a_fresh_one(
    pool: IsolatedPool, tmp_path: Path
) -> None:
    marker = tmp_path / "died-once"
    # Dies on its first run (leaving the marker), answers on its second.
    job = (
        f"(open({str(marker)!r}, 'x').close(), __import__('os')._exit(9))"
        f" if not __import__('os').path.exists({str(marker)!r}) else 'second run'"
    )
    assert pool.call(eval, job) == "second run"


async def test_the_awaited_form_refuses_the_same_crash(pool: IsolatedPool) -> None:
    with pytest.raises(ProcessCrashed):
        await pool.run(os._exit, 4)
    assert await pool.run(len, "ok") == 2
