"""The render benchmark's measurements: each phase takes turns between the three ways."""

import contextlib
import itertools
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import psutil

from bench.event_timeline import EventTimeline
from bench.peak_rss import PeakRss, process_tree
from bench.render_baselines import QUALITY, WEBP_QUEUED, WIDTH, Photo, Thumbor, raw_pyvips
from platform_common.events import TransformRequested, TransformStarted, TransformSucceeded

# Every process of the platform: the images worker too, which records each variant's status
# events and runs the relay (until 2026-12-02 it was left out, understating the platform's CPU).
SERVICES = ("gateway", "auth", "images", "images-worker", "transformer")
INFRA = ("postgres", "kafka", "s3", "redis")
QUERY = f"w={WIDTH}&format=webp&q={QUALITY}"
SPEC = {
    "operations": [{"op": "resize", "width": WIDTH}],
    "output": {"format": "webp", "quality": QUALITY},
}
# After a platform answer, its background work (the variant's S3 write, status events, the
# images consumer) is given this long to finish before its CPU is read.
SETTLE_SECONDS = 0.6
EVENT_TYPES = (TransformRequested.type, TransformStarted.type, TransformSucceeded.type)


@dataclass
class Measured:
    raw_ms: list[float] = field(default_factory=list)
    raw_cpu_ms: list[float] = field(default_factory=list)
    thumbor_ms: list[float] = field(default_factory=list)
    thumbor_cpu_ms: list[float] = field(default_factory=list)
    platform_ms: list[float] = field(default_factory=list)
    platform_cpu_ms: list[float] = field(default_factory=list)
    platform_infra_cpu_ms: list[float] = field(default_factory=list)
    # Per component (service or infrastructure), per new variant, idle CPU not subtracted.
    cpu_by_component: dict[str, list[float]] = field(default_factory=dict)
    # Serving a stored variant (images streams it from S3 through the gateway), per request.
    cached_cpu_ms: dict[str, float] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    rps: dict[str, float] = field(default_factory=dict)
    bytes_platform: list[int] = field(default_factory=list)
    bytes_thumbor: list[int] = field(default_factory=list)
    async_ms: list[float] = field(default_factory=list)
    async_overhead_ms: list[float] = field(default_factory=list)
    async_raw_ms: list[float] = field(default_factory=list)
    # The async path hop by hop (ms, per request), from the events' Kafka record timestamps.
    async_hops_ms: dict[str, list[float]] = field(default_factory=dict)
    idle_cpu_per_s: float = 0.0
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    memory_end: dict[str, float] = field(default_factory=dict)
    sources: list[tuple[str, float, int]] = field(default_factory=list)
    avif: dict[int, tuple[float, int]] = field(default_factory=dict)  # effort -> (CPU s, bytes)
    webp: dict[int, tuple[float, int]] = field(default_factory=dict)  # effort -> (CPU s, bytes)
    cores: int = 0
    run_at: str = ""
    load_average: float = 0.0


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


class PlatformProbe:
    """CPU seconds summed over every process of the platform (the services with their children,
    and the infrastructure apart), peak RSS sampled every 50 ms."""

    def __init__(self, platform: Any, user: Any) -> None:
        self.platform, self.user = platform, user
        self.rss = PeakRss(platform.pids)
        # Cleared while raw pyvips runs in this process: the sampler's own CPU must not count.
        self.sampling = self.rss.sampling

    def cpu(self, names: tuple[str, ...] = SERVICES) -> float:
        pids = self.platform.pids()
        return _cpu([p for name in names if name in pids for p in process_tree(pids[name])])

    def memory_mb(self) -> dict[str, float]:
        pids = self.platform.pids()
        return {n: sum(p.memory_info().rss for p in process_tree(pids[n])) / 2**20 for n in pids}

    def on_the_fly(self, client: httpx.Client, image_id: str) -> httpx.Response:
        return client.get(f"/images/{image_id}/content?{QUERY}")


def _raw(probe: PlatformProbe, data: bytes, **webp: Any) -> tuple[float, float, Any]:
    probe.sampling.clear()
    time.sleep(0.06)  # a sample in progress finishes first
    try:
        return _timed(lambda: raw_pyvips(data, **webp))
    finally:
        probe.sampling.set()


def _timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def _sequential(
    sources: list[Photo],
    ids: list[str],
    m: Measured,
    probe: PlatformProbe,
    thumbor: Thumbor,
    http: httpx.Client,
    first: bool,
) -> None:
    for photo, image_id in zip(sources, ids, strict=True):
        wall, cpu, _ = _raw(probe, photo.data)
        m.raw_ms.append(wall)
        m.raw_cpu_ms.append(cpu)
        before = thumbor.cpu_seconds()
        wall, _, answer = _timed(partial(http.get, thumbor.url + thumbor.path(photo.name)))
        assert answer.status_code == 200, answer.text[:200]
        m.thumbor_ms.append(wall)
        m.thumbor_cpu_ms.append((thumbor.cpu_seconds() - before) * 1000)
        parts = {name: probe.cpu((name,)) for name in SERVICES + INFRA}
        services, infra, started = probe.cpu(), probe.cpu(INFRA), time.perf_counter()
        wall, _, answer = _timed(partial(probe.on_the_fly, probe.user.http, image_id))
        m.statuses.append(answer.status_code)
        time.sleep(SETTLE_SECONDS)
        idle = m.idle_cpu_per_s * (time.perf_counter() - started)
        m.platform_ms.append(wall)
        m.platform_cpu_ms.append((probe.cpu() - services - idle) * 1000)
        m.platform_infra_cpu_ms.append((probe.cpu(INFRA) - infra) * 1000)
        for name, before_ms in parts.items():
            spent = (probe.cpu((name,)) - before_ms) * 1000
            m.cpu_by_component.setdefault(name, []).append(spent)
        if first:
            m.bytes_platform.append(len(answer.content))
            m.bytes_thumbor.append(len(http.get(thumbor.url + thumbor.path(photo.name)).content))


def _pair(actions: list[Callable[[], Any]]) -> float:
    """Seconds to run the actions two at a time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for result in pool.map(lambda action: action(), actions):
            if isinstance(result, httpx.Response):
                assert result.status_code == 200, (result.status_code, result.text[:200])
    return time.perf_counter() - started


def _concurrent(
    sources: list[Photo],
    rounds: list[list[str]],
    m: Measured,
    probe: PlatformProbe,
    thumbor: Thumbor,
) -> None:
    clients = [
        probe.user.http,
        httpx.Client(
            base_url=probe.user.http.base_url, headers=probe.user.http.headers, timeout=60
        ),
    ]
    plain = httpx.Client(timeout=60)
    seconds = {"raw pyvips": 0.0, "Thumbor": 0.0, "platform": 0.0, "cached": 0.0}
    for ids in rounds:
        pairs = list(enumerate(zip(sources, ids, strict=True)))
        seconds["Thumbor"] += _pair(
            [partial(plain.get, thumbor.url + thumbor.path(p.name)) for _, (p, _) in pairs]
        )
        seconds["platform"] += _pair(
            [partial(probe.on_the_fly, clients[n % 2], i) for n, (_, i) in pairs]
        )
        seconds["raw pyvips"] += _pair([partial(raw_pyvips, p.data) for _, (p, _) in pairs])
    requests = sum(len(ids) for ids in rounds)
    cached_passes = 5
    parts = {name: probe.cpu((name,)) for name in SERVICES}
    for _ in range(cached_passes):
        for ids in rounds:
            seconds["cached"] += _pair(
                [partial(probe.on_the_fly, clients[n % 2], i) for n, i in enumerate(ids)]
            )
    m.rps = {name: requests / s for name, s in seconds.items()}
    m.rps["cached"] *= cached_passes
    m.cached_cpu_ms = {
        name: (probe.cpu((name,)) - before) * 1000 / (requests * cached_passes)
        for name, before in parts.items()
    }
    clients[1].close()
    plain.close()


ASYNC_HOPS = (
    "request committed and on Kafka (gateway, images, outbox relay)",
    "to the transformer, Started published (Kafka, Faust, fair share)",
    "rendered and stored, Succeeded published (source read, pipeline, S3 write)",
    "on the WebSocket (the gateway's consumer and push)",
)


def _async(
    sources: list[Photo], rounds: list[list[str]], m: Measured, probe: PlatformProbe
) -> None:
    user, env = probe.user, probe.platform.env
    topics = (
        env.get("TOPIC_TRANSFORM_REQUESTED", "images.transform.requested"),
        env.get("TOPIC_TRANSFORM_EVENTS", "images.transform.events"),
    )
    with user.live() as feed, EventTimeline(env["KAFKA_BOOTSTRAP_SERVERS"], topics) as kafka:
        for index, ids in enumerate(rounds):
            for photo, image_id in zip(sources, ids, strict=True):
                pipeline_ms, _, _ = _raw(probe, photo.data, webp=WEBP_QUEUED)
                started, sent = time.perf_counter(), time.time()
                answer = user.transform(image_id, SPEC)
                tid = str(answer.json()["id"])
                event = feed.wait_terminal([tid], timeout=120)[tid]
                pushed = time.time()
                assert event["status"] == "succeeded", event
                if index == 0:
                    continue  # warm-up
                latency = (time.perf_counter() - started) * 1000
                m.async_ms.append(latency)
                m.async_overhead_ms.append(latency - pipeline_ms)
                m.async_raw_ms.append(pipeline_ms)
                stamps = [
                    sent,
                    *(kafka.stamp(tid, kind) for kind in EVENT_TYPES),
                    pushed,
                ]
                for hop, (start, end) in zip(ASYNC_HOPS, itertools.pairwise(stamps), strict=True):
                    m.async_hops_ms.setdefault(hop, []).append((end - start) * 1000)


def measure_all(
    sources: list[Photo],
    uploads: dict[str, list[list[str]]],
    probe: PlatformProbe,
    thumbor: Thumbor,
) -> Measured:
    m = Measured()
    http = httpx.Client(timeout=60)
    warm = uploads["sequential"][0]
    for photo, image_id in zip(sources, warm, strict=True):  # first connections, first loads
        raw_pyvips(photo.data)
        http.get(thumbor.url + thumbor.path(photo.name))
        probe.on_the_fly(probe.user.http, image_id)
    time.sleep(2)
    before, started = probe.cpu(), time.perf_counter()
    time.sleep(5)
    m.idle_cpu_per_s = (probe.cpu() - before) / (time.perf_counter() - started)
    print(f"idle platform CPU: {m.idle_cpu_per_s * 1000:.0f} ms/s", flush=True)
    for index, ids in enumerate(uploads["sequential"][1:]):
        print(f"sequential round {index + 1}", flush=True)
        _sequential(sources, ids, m, probe, thumbor, http, first=index == 0)
    print("concurrency 2", flush=True)
    _concurrent(sources, uploads["concurrent"], m, probe, thumbor)
    print("async path", flush=True)
    _async(sources, uploads["async"], m, probe)
    m.peak_rss_mb = probe.rss.stop()
    http.close()
    print(
        "medians:",
        {
            k: round(statistics.median(v))
            for k, v in vars(m).items()
            if isinstance(v, list) and v and isinstance(v[0], float)
        },
        flush=True,
    )
    return m
