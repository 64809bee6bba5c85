"""End to end through the real Kafka and S3 of the devstack: 200 requests in, 200 terminal
events out, with the worker SIGKILLed once in the middle and restarted.

At-least-once delivery means a request may be processed (and reported) twice around the crash;
what must hold is the final state: every transformation has one consistent outcome and every
variant exists once, at its content address, with the right bytes.
"""

import asyncio
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pyvips
from aiokafka import AIOKafkaConsumer

from platform_common.events import Envelope, TransformRequested
from platform_common.messaging.publisher import make_producer, publish
from platform_common.s3 import ensure_bucket, make_s3_client
from platform_common.settings import S3Settings
from platform_common.transform_spec import TransformSpec, variant_key

REQUESTS = 200
KILL_AFTER = 60  # terminal events seen before the SIGKILL
TERMINAL = {"TransformSucceeded", "TransformFailed"}
SPECS = [
    {"operations": [{"op": "resize", "width": 64}], "output": {"format": "webp"}},
    {"operations": [{"op": "resize", "width": 48, "height": 48, "fit": "cover"}, "grayscale"]},
    {"operations": [{"op": "rotate", "angle": 90}, "mirror"], "output": {"format": "png"}},
    {"operations": [{"op": "sketch", "style": "pencil"}], "output": {"format": "jpeg"}},
    {"operations": ["sepia", {"op": "blur", "sigma": 1.5}], "output": {"format": "gif"}},
    # Permanently invalid for these small sources: fails at once, goes to the DLQ.
    {"operations": [{"op": "crop", "x": 0, "y": 0, "width": 5000, "height": 10}]},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """`python -m transformer_service worker` in its own process group, so a SIGKILL takes its
    libvips processes with it, as a container kill would."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = int(env["TRANSFORMER_WEB_PORT"])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "transformer_service",
                    "worker",
                    "--web-port",
                    str(self.port),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process and self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("worker not ready:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_env(stack) -> dict[str, str]:
    run = uuid.uuid4().hex[:8]
    topics = {
        "TOPIC_TRANSFORM_REQUESTED": f"e2e-{run}.transform.requested",
        "TOPIC_TRANSFORM_EVENTS": f"e2e-{run}.transform.events",
        "TOPIC_TRANSFORM_DLQ": f"e2e-{run}.transform.dlq",
    }
    stack.create_topics([topics["TOPIC_TRANSFORM_REQUESTED"]], partitions=4)
    stack.create_topics([topics["TOPIC_TRANSFORM_EVENTS"]], partitions=4)
    stack.create_topics([topics["TOPIC_TRANSFORM_DLQ"]], partitions=1)
    return {
        **os.environ,
        **stack.env(),
        **topics,
        "FAUST_APP_ID": f"transformer-e2e-{run}",
        "TRANSFORMER_WEB_PORT": str(free_port()),
        "TRANSFORMER_CONCURRENCY": "8",
        # A dead member's partitions move to the restarted worker after this long.
        "KAFKA_SESSION_TIMEOUT_SECONDS": "6",
        "KAFKA_HEARTBEAT_INTERVAL_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def worker(worker_env, tmp_path) -> Iterator[Worker]:
    worker = Worker(worker_env, tmp_path / "worker.log")
    yield worker
    worker.stop()


def small_sources(photo) -> dict[str, bytes]:
    """Real photos, shrunk so 200 jobs stay quick."""
    sources = {}
    for name in ("chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png"):
        image = pyvips.Image.thumbnail_buffer(photo(name), 160)
        sources[name] = (
            image.jpegsave_buffer(Q=90) if name.endswith("jpg") else image.pngsave_buffer()
        )
    return sources


def requests_for(sources: dict[str, bytes], run: str) -> list[TransformRequested]:
    names = list(sources)
    requests = []
    for index in range(REQUESTS):
        name = names[index % len(names)]
        spec = TransformSpec.model_validate(SPECS[index % len(SPECS)])
        address = f"{run}-{name}"  # the content address's source part, scoped to this run
        requests.append(
            TransformRequested(
                transformation_id=uuid.uuid4(),
                image_id=uuid.uuid4(),
                owner_id=uuid.uuid4(),
                source_key=f"e2e/{run}/{name}",
                # The worker renders only bytes with the verified checksum.
                source_checksum=hashlib.sha256(sources[name]).hexdigest(),
                variant_key=variant_key(address, spec, name.rsplit(".")[-1]),
                spec=spec,
                output_format=spec.resolve_format(name.rsplit(".")[-1]),
                requested_at=datetime.now(UTC),
            )
        )
    return requests


async def test_200_requests_survive_a_worker_sigkill(stack, worker, worker_env, photo) -> None:
    run = worker_env["FAUST_APP_ID"].rsplit("-", 1)[-1]
    settings = S3Settings(**{k.lower(): v for k, v in stack.env().items() if k.startswith("S3_")})
    s3 = make_s3_client(settings)
    ensure_bucket(s3, settings.s3_bucket)
    sources = small_sources(photo)
    for name, data in sources.items():
        s3.put_object(Bucket=settings.s3_bucket, Key=f"e2e/{run}/{name}", Body=data)
    requests = requests_for(sources, run)
    by_id = {str(r.transformation_id): r for r in requests}

    bootstrap = worker_env["KAFKA_BOOTSTRAP_SERVERS"]
    producer = make_producer(bootstrap)
    consumer = AIOKafkaConsumer(
        worker_env["TOPIC_TRANSFORM_EVENTS"],
        worker_env["TOPIC_TRANSFORM_DLQ"],
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    worker.start()
    await asyncio.to_thread(worker.wait_ready)
    terminal: dict[str, list[Envelope]] = defaultdict(list)
    dead_letters: list[Envelope] = []
    killed = False
    try:
        for request in requests:
            await publish(
                producer, worker_env["TOPIC_TRANSFORM_REQUESTED"], str(request.image_id), request
            )
        deadline = time.monotonic() + 240
        while len(terminal) < REQUESTS and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for message in messages:
                    envelope = Envelope.from_bytes(message.value)
                    if message.topic == worker_env["TOPIC_TRANSFORM_DLQ"]:
                        dead_letters.append(envelope)
                    elif envelope.type in TERMINAL:
                        terminal[envelope.data["transformation_id"]].append(envelope)
                        assert message.key.decode() == envelope.data["image_id"]
            if not killed and len(terminal) >= KILL_AFTER:
                await asyncio.to_thread(worker.kill)
                killed = True
                worker.start()
    finally:
        await producer.stop()
        await consumer.stop()

    assert killed and len(terminal) == REQUESTS, f"{len(terminal)} of {REQUESTS} finished"
    assert set(terminal) == set(by_id)
    stored = {}
    for transformation_id, events in terminal.items():
        request = by_id[transformation_id]
        outcomes = {(e.type, e.data.get("format"), e.data.get("error_code")) for e in events}
        assert len(outcomes) == 1, f"{transformation_id} ended differently twice: {outcomes}"
        outcome_type, result_format, error_code = outcomes.pop()
        if "crop" in request.spec.canonical_json():
            assert (outcome_type, error_code) == ("TransformFailed", "invalid_operation")
        else:
            assert outcome_type == "TransformSucceeded" and result_format == request.output_format
            stored[request.variant_key] = events[0].data
    # One object per content address, each a decodable image matching what was reported.
    listed = s3.list_objects_v2(Bucket=settings.s3_bucket, Prefix="variants/")
    keys = {obj["Key"] for obj in listed.get("Contents", [])}
    assert set(stored) <= keys
    for key, reported in stored.items():
        data = s3.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
        image = pyvips.Image.new_from_buffer(data, "")
        assert (image.width, len(data)) == (reported["width"], reported["bytes"])
    failed_ids = {t for t, r in by_id.items() if "crop" in r.spec.canonical_json()}
    assert {e.data["transformation_id"] for e in dead_letters} == failed_ids
    await asyncio.to_thread(worker.wait_ready)  # the restarted worker is healthy
    # The restarted worker may still be working off redelivered requests (each answered from
    # its stored variant): wait for it to go idle before reading the gauges.
    async with httpx.AsyncClient() as client:
        idle_by = time.monotonic() + 60
        while True:
            metrics = (await client.get(f"http://127.0.0.1:{worker.port}/metrics", timeout=5)).text
            if "transformer_jobs_in_flight 0.0" in metrics or time.monotonic() > idle_by:
                break
            await asyncio.sleep(0.5)
    finished = [
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("transformer_jobs_total{")
    ]
    assert sum(finished) > 0 and "transformer_job_duration_seconds_bucket" in metrics
    assert "transformer_jobs_in_flight 0.0" in metrics
