"""The full path for the transformer benchmark: TransformRequested on the real Kafka, the worker
(`python -m transformer_service worker`) fetching from the real S3 and writing back, and the
terminal event read off the events topic. Uses the devstack's real broker and S3."""

import asyncio
import hashlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
from aiokafka import AIOKafkaConsumer

from bench.transformer_chains import SPECS
from devstack.config import StackConfig
from devstack.stack import Stack
from platform_common.events import Envelope, TransformRequested
from platform_common.messaging.publisher import make_producer, publish
from platform_common.s3 import ensure_bucket, make_s3_client
from platform_common.settings import S3Settings
from platform_common.transform_spec import TransformSpec, variant_key

JOBS = {"downscale": 30, "full-res": 10}
PROCESSES = len(os.sched_getaffinity(0))
TERMINAL = {"TransformSucceeded", "TransformFailed"}


@dataclass
class FullPathResult:
    jobs: int
    processes: int
    wall_ms_per_image: float
    cpu_ms_per_image: float
    throughput: float
    median_job_ms: float
    peak_worker_rss_mb: float
    peak_pool_rss_mb: float


class TreeSampler:
    """CPU seconds and peak RSS of the worker and its libvips processes."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_root = self.peak_child = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            try:
                self.peak_root = max(self.peak_root, self.root.memory_info().rss / 2**20)
                for child in self.root.children(recursive=True):
                    self.peak_child = max(self.peak_child, child.memory_info().rss / 2**20)
            except psutil.Error:
                pass

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


SOURCE_KEY = "bench/source-12mp.jpg"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _requests(
    chain: str, count: int, source_key: str, source_sha256: str
) -> list[TransformRequested]:
    spec = TransformSpec.model_validate(SPECS[chain])
    run = uuid.uuid4().hex
    requests = []
    for index in range(count):
        address = f"bench-{run}-{index}"  # a distinct address per job: nothing is served cached
        requests.append(
            TransformRequested(
                transformation_id=uuid.uuid4(),
                image_id=uuid.uuid4(),
                owner_id=uuid.uuid4(),
                source_key=source_key,
                source_checksum=source_sha256,  # the worker renders only verified bytes
                variant_key=variant_key(address, spec, "jpeg"),
                spec=spec,
                output_format=spec.resolve_format("jpeg"),
                requested_at=datetime.now(UTC),
            )
        )
    return requests


async def _round_trip(env: dict[str, str], requests: list[TransformRequested]) -> list[Envelope]:
    producer = make_producer(env["KAFKA_BOOTSTRAP_SERVERS"])
    consumer = AIOKafkaConsumer(
        env["TOPIC_TRANSFORM_EVENTS"],
        bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"],
        auto_offset_reset="latest",
    )
    await producer.start()
    await consumer.start()
    await consumer.seek_to_end()
    wanted = {str(r.transformation_id) for r in requests}
    done: dict[str, Envelope] = {}
    try:
        for request in requests:
            await publish(
                producer, env["TOPIC_TRANSFORM_REQUESTED"], str(request.image_id), request
            )
        deadline = time.monotonic() + 600
        while len(done) < len(wanted) and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=200)).values():
                for message in messages:
                    envelope = Envelope.from_bytes(message.value)
                    tid = envelope.data.get("transformation_id")
                    if envelope.type in TERMINAL and tid in wanted:
                        done[tid] = envelope
    finally:
        await producer.stop()
        await consumer.stop()
    failed = [e for e in done.values() if e.type != "TransformSucceeded"]
    if len(done) < len(wanted) or failed:
        raise RuntimeError(f"{len(done)}/{len(wanted)} finished; failures: {failed[:2]}")
    return list(done.values())


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("a") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "transformer_service", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{env['TRANSFORMER_WEB_PORT']}/ready"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return worker
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    os.killpg(worker.pid, signal.SIGKILL)
    raise RuntimeError("the worker did not become ready:\n" + log.read_text()[-3000:])


def measure_full_path(source: bytes) -> dict[str, FullPathResult]:
    root = Path(tempfile.mkdtemp(prefix="transformer-bench-"))
    stack = Stack(StackConfig.with_free_ports(root)).start()
    worker = None
    try:
        topics = {
            "TOPIC_TRANSFORM_REQUESTED": "bench.transform.requested",
            "TOPIC_TRANSFORM_EVENTS": "bench.transform.events",
            "TOPIC_TRANSFORM_DLQ": "bench.transform.dlq",
        }
        for name in topics.values():
            stack.create_topics([name], partitions=PROCESSES)
        env = {
            **os.environ,
            **stack.env(),
            **topics,
            "TRANSFORMER_WEB_PORT": str(_free_port()),
            "TRANSFORMER_POOL_SIZE": str(PROCESSES),
            "VIPS_CONCURRENCY": "1",
            "TRANSFORMER_CONCURRENCY": str(2 * PROCESSES),
            "LOG_LEVEL": "WARNING",
        }
        s3_env = {k.lower(): v for k, v in stack.env().items() if k.startswith("S3_")}
        settings = S3Settings.model_validate(s3_env)
        s3 = make_s3_client(settings)
        ensure_bucket(s3, settings.s3_bucket)
        s3.put_object(Bucket=settings.s3_bucket, Key=SOURCE_KEY, Body=source)
        source_sha256 = hashlib.sha256(source).hexdigest()
        worker = _start_worker(env, root / "worker.log")
        # Warm-up: partitions assigned, processes spawned, S3 connections open.
        asyncio.run(_round_trip(env, _requests("downscale", PROCESSES, SOURCE_KEY, source_sha256)))
        results = {}
        for chain, count in JOBS.items():
            requests = _requests(chain, count, SOURCE_KEY, source_sha256)
            with TreeSampler(worker.pid) as sampler:
                cpu_before, started = sampler.cpu_seconds(), time.perf_counter()
                events = asyncio.run(_round_trip(env, requests))
                wall, cpu = time.perf_counter() - started, sampler.cpu_seconds() - cpu_before
            results[chain] = FullPathResult(
                jobs=count,
                processes=PROCESSES,
                wall_ms_per_image=wall * 1000 / count,
                cpu_ms_per_image=cpu * 1000 / count,
                throughput=count / wall,
                median_job_ms=statistics.median(e.data["duration_ms"] for e in events),
                peak_worker_rss_mb=sampler.peak_root,
                peak_pool_rss_mb=sampler.peak_child,
            )
            print(f"  full path {chain}: {results[chain]}", flush=True)
        return results
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        stack.stop()
