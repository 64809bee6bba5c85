"""Hostile inputs fail their job with the right code, and the same worker processes go on to
transform a good photo. Jobs run through the real process pool, as in the worker."""

import contextlib
import random
import struct
import time
import zlib
from collections.abc import Iterator

import psutil
import pytest

from platform_common.transform_spec import TransformSpec
from transformer_service.adapters.pipeline_pool import PipelinePool
from transformer_service.domain.errors import TransformError
from transformer_service.domain.limits import Limits
from transformer_service.domain.pipeline import Job

RESIZE = {"operations": [{"op": "resize", "width": 100}], "output": {"format": "webp"}}
ROTATE = {"operations": [{"op": "rotate", "angle": 7}], "output": {"format": "png"}}


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims width x height (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


SVG_WITH_EXTERNAL_REFERENCE = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="400" height="400">
  <image xlink:href="http://169.254.169.254/latest/meta-data/" width="400" height="400"/>
  <image xlink:href="file:///etc/passwd" width="400" height="400"/>
</svg>"""


@pytest.fixture(scope="module")
def pool() -> Iterator[PipelinePool]:
    pool = PipelinePool(processes=1, threads_per_process=1, timeout=30, jobs_per_process=100)
    pool.warm_up()
    yield pool
    pool.close()


def job_of(source: bytes, spec: dict, limits: Limits | None = None) -> Job:
    """These jobs fail before encoding, or name their format (the good one is WebP)."""
    typed = TransformSpec.model_validate(spec)
    return Job(source, typed, typed.resolve_format("png"), limits=limits or Limits())


def hostile_cases(photo) -> list[tuple[str, bytes, dict, str]]:
    rocket = photo("rocket.jpg")
    return [
        ("truncated jpeg, resized", rocket[: len(rocket) // 2], RESIZE, "source_corrupt"),
        ("truncated jpeg, rotated", rocket[: len(rocket) // 2], ROTATE, "source_corrupt"),
        ("png declaring 50000x50000", png_declaring(50_000, 50_000), RESIZE, "source_too_large"),
        ("random bytes", random.Random(5).randbytes(8192), RESIZE, "unsupported_format"),
        ("empty file", b"", RESIZE, "source_corrupt"),
        ("svg with external reference", SVG_WITH_EXTERNAL_REFERENCE, RESIZE, "unsupported_format"),
        (
            "crop outside the image",
            rocket,
            {"operations": [{"op": "crop", "x": 600, "y": 400, "width": 100, "height": 100}]},
            "invalid_operation",
        ),
        (
            "result over the output limit",
            rocket,
            {"operations": [{"op": "resize", "width": 10_000, "upscale": True}]},
            "output_too_large",
        ),
    ]


async def good_job_succeeds(pool: PipelinePool, photo) -> None:
    job = job_of(photo("chelsea.png"), RESIZE)
    result = await pool.run(job)
    assert (result.format, result.width) == ("webp", 100)


async def test_each_hostile_input_fails_cleanly_and_the_worker_goes_on(pool, photo) -> None:
    limits = Limits(max_output_pixels=20_000_000)
    for name, source, spec, code in hostile_cases(photo):
        job = job_of(source, spec, limits=limits)
        with pytest.raises(TransformError) as caught:
            await pool.run(job)
        assert caught.value.code == code, name
        assert not caught.value.retryable, name
        assert caught.value.message and "Traceback" not in caught.value.message
        await good_job_succeeds(pool, photo)


async def test_the_pixel_limit_is_checked_before_decoding(pool, photo) -> None:
    job = job_of(photo("rocket.jpg"), RESIZE, limits=Limits(100_000))
    with pytest.raises(TransformError, match=r"640x427 \(0.3 MP\); the limit is 0 MP") as caught:
        await pool.run(job)
    assert caught.value.code == "source_too_large"


def dead_but_not_reaped(processes: list[psutil.Process]) -> None:
    """Waits for killed child processes to be zombies. Not psutil.wait_procs: it reaps them, and
    multiprocessing then takes a reaped process for alive forever. Unreaped, the pool's own
    waitpid finds them dead, as after the OOM killer. One already gone was reaped by the pool's
    own manager thread, which has then seen it die: as good."""
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            while process.status() != psutil.STATUS_ZOMBIE:
                time.sleep(0.01)


async def test_a_job_over_its_time_limit_is_stopped_and_the_pool_recovers(pool, photo) -> None:
    heavy = {
        "operations": [
            {"op": "resize", "width": 8000, "upscale": True},
            {"op": "blur", "sigma": 50},
            {"op": "rotate", "angle": 33},
        ],
        "output": {"format": "png", "png_compression": 9},
    }
    pool.timeout = 0.5
    try:
        with pytest.raises(TransformError) as caught:
            await pool.run(job_of(photo("rocket.jpg"), heavy))
    finally:
        pool.timeout = 30
    assert caught.value.code == "timeout"
    await good_job_succeeds(pool, photo)


async def test_the_pool_recovers_when_every_process_is_killed_at_once(photo) -> None:
    # pebble gives a pool up when all of its processes die together (the OOM killer, an
    # operator); the worker must not then refuse every later job until it is restarted.
    others = {child.pid for child in psutil.Process().children()}
    pool = PipelinePool(processes=2, threads_per_process=1, timeout=30, jobs_per_process=100)
    try:
        pool.warm_up()
        await good_job_succeeds(pool, photo)
        workers = [
            child
            for child in psutil.Process().children()
            if child.pid not in others and "resource_tracker" not in " ".join(child.cmdline())
        ]
        assert len(workers) == 2
        for worker in workers:
            worker.kill()
        dead_but_not_reaped(workers)
        for _ in range(3):
            await good_job_succeeds(pool, photo)
    finally:
        pool.close()
