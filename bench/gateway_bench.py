"""What the gateway adds: the same GET served by images directly and through the gateway.

    python -m bench gateway           (or: make bench)

Starts the local stack and the platform (devstack), creates a user with one image, then for
each target (images directly, the gateway in front of it) and in alternating rounds:
  - latency: one keep-alive connection, requests one after the other (p50/p99 of each);
  - throughput: CONCURRENCY keep-alive connections for a fixed time (requests per second);
  - the gateway's own CPU time per request, from /proc (robust to noise on a shared machine).
The load generator is a minimal asyncio HTTP/1.1 client, so it takes little of the 2 cores the
servers need. Writes bench/results/gateway.md.

Targets (issue 6): added p50 under 1 ms; throughput through the gateway >= 70% of direct.
"""

import asyncio
import io
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvloop
from PIL import Image

from devstack.config import StackConfig
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_ENV = {
    # The limiter stays on (its cost is part of what the gateway adds) but never refuses here.
    "RATE_LIMIT_READS": "100000000/minute",
    "RATE_LIMIT_LOGIN": "100000/minute",
    "LOG_LEVEL": "WARNING",
}
ROUNDS = 3
LATENCY_REQUESTS = 1500
CONCURRENCY = 16
THROUGHPUT_SECONDS = 6.0
WARMUP_REQUESTS = 300


@dataclass
class Sample:
    p50_ms: float
    p99_ms: float
    rps: float
    cpu_us_per_request: float  # of the process that answered (the service, or the gateway)


async def _connection(
    port: int, request: bytes, count: int | None, until: float, out: list[float]
) -> None:
    """Requests on one keep-alive connection: `count` of them, or until `until` when None."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    def more(done: int) -> bool:
        return done < count if count is not None else time.perf_counter() < until

    try:
        done = 0
        while more(done):
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if head[9:12] != b"200":
                raise RuntimeError(f"unexpected answer: {head[:200]!r}")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            out.append(time.perf_counter() - started)
            done += 1
    finally:
        writer.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def measure(port: int, cpu_pid: int, request: bytes) -> Sample:
    latencies: list[float] = []
    await _connection(port, request, LATENCY_REQUESTS, 0, latencies)
    timings: list[float] = []
    cpu_before = _cpu_seconds(cpu_pid)
    started = time.perf_counter()
    until = started + THROUGHPUT_SECONDS
    await asyncio.gather(
        *(_connection(port, request, None, until, timings) for _ in range(CONCURRENCY))
    )
    elapsed = time.perf_counter() - started
    cpu = (_cpu_seconds(cpu_pid) - cpu_before) / len(timings) * 1e6
    return Sample(
        _percentile(latencies, 50) * 1000,
        _percentile(latencies, 99) * 1000,
        len(timings) / elapsed,
        cpu,
    )


def _request(path: str, token: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


async def compare(
    direct: tuple[int, int], gateway: tuple[int, int], request: bytes
) -> dict[str, list[Sample]]:
    """`direct` and `gateway` are (port, pid); the pid's CPU time is what each request costs."""
    samples: dict[str, list[Sample]] = {"direct": [], "gateway": []}
    for port, _ in (direct, gateway):
        await _connection(port, request, WARMUP_REQUESTS, 0, [])
    for _ in range(ROUNDS):  # alternating, so drift on a shared machine hits both alike
        samples["direct"].append(await measure(*direct, request))
        samples["gateway"].append(await measure(*gateway, request))
    return samples


def _median(samples: list[Sample], field: str) -> float:
    return float(statistics.median(getattr(s, field) for s in samples))


def prepare(gateway_url: str) -> tuple[str, str]:
    """A user and one image, through the gateway; returns (token, image path)."""
    name = f"bench_{os.urandom(4).hex()}"
    account = {"username": name, "email": f"{name}@example.com", "password": "bench pass 123"}
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(picture, format="PNG")
    with httpx.Client(base_url=gateway_url, timeout=30) as client:
        registered = client.post("/auth/register", json=account).raise_for_status()
        token = registered.json()["access_token"]
        image = client.post(
            "/images",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("bench.png", picture.getvalue(), "image/png")},
        ).raise_for_status()
    return token, f"/images/{image.json()['id']}"


def report(scenarios: dict[str, dict[str, list[Sample]]], environment: str) -> str:
    lines = [
        "# Gateway benchmark",
        "",
        "The same GET served by the upstream directly and through the gateway, in the same run",
        f"(`python -m bench gateway`). Latency: one keep-alive connection, {LATENCY_REQUESTS}",
        f"sequential requests. Throughput: {CONCURRENCY} keep-alive connections for "
        f"{THROUGHPUT_SECONDS:.0f} s. Medians of {ROUNDS} alternating rounds.",
        "",
        environment,
        "",
        "| scenario | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 / p99 ms "
        "| direct req/s | gateway req/s | gateway/direct | CPU per request: service / gateway |",
        "|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for name, samples in scenarios.items():
        direct, gateway = samples["direct"], samples["gateway"]
        d50, d99 = _median(direct, "p50_ms"), _median(direct, "p99_ms")
        g50, g99 = _median(gateway, "p50_ms"), _median(gateway, "p99_ms")
        d_rps, g_rps = _median(direct, "rps"), _median(gateway, "rps")
        service_cpu = _median(direct, "cpu_us_per_request")
        cpu = _median(gateway, "cpu_us_per_request")
        ratio = g_rps / d_rps
        lines.append(
            f"| {name} | {d50:.3f} / {d99:.3f} | {g50:.3f} / {g99:.3f} | "
            f"{g50 - d50:+.3f} / {g99 - d99:+.3f} | {d_rps:.0f} | {g_rps:.0f} | "
            f"{ratio:.0%} | {service_cpu:.0f} µs / {cpu:.0f} µs |"
        )
        verdicts.append((name, g50 - d50, ratio))
    lines += ["", "Targets: added p50 < 1 ms, gateway throughput >= 70% of direct.", ""]
    for name, added, ratio in verdicts:
        ok = "met" if added < 1.0 and ratio >= 0.7 else "NOT met"
        lines.append(f"- {name}: added p50 {added:.3f} ms, throughput {ratio:.0%} of direct: {ok}")
    return "\n".join(lines) + "\n"


def environment_note() -> str:
    load = os.getloadavg()
    return (
        f"Machine: {os.cpu_count()} CPU cores shared by the load generator, the gateway, the "
        f"services and the local stack (PostgreSQL, Kafka, S3, Redis); load average before the "
        f"run {load[0]:.2f}. Each service is one uvicorn process (uvloop + httptools)."
    )


def _port_and_pid(platform: Platform, name: str) -> tuple[int, int]:
    service = platform.services[name]
    assert service.process.pid is not None
    return service.port, service.process.pid


def run_scenarios(platform: Platform) -> dict[str, dict[str, list[Sample]]]:
    token, image_path = prepare(platform.url("gateway"))
    upstream = {
        "GET /images/{id} (metadata: token check + database read)": ("images", image_path),
        "GET /.well-known/jwks.json (auth's cheapest route)": ("auth", "/.well-known/jwks.json"),
    }
    return {
        name: uvloop.run(
            compare(
                _port_and_pid(platform, service),
                _port_and_pid(platform, "gateway"),
                _request(path, token),
            )
        )
        for name, (service, path) in upstream.items()
    }


def main() -> int:
    note = environment_note()
    with (
        tempfile.TemporaryDirectory(prefix="gateway-bench-") as root,
        Stack(StackConfig.with_free_ports(Path(root), environment="development")) as stack,
    ):
        platform = Platform(stack, ports=free_ports(), extra_env=BENCH_ENV).start()
        try:
            scenarios = run_scenarios(platform)
        finally:
            platform.stop()
    text = report(scenarios, note)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "gateway.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
