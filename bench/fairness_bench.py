"""A light job's latency with another account's expensive jobs queued ahead of it.

    python -m bench fairness          (or: make bench)

Starts the local stack and the platform. Bob asks for one-step resizes (a 320 px WebP of a
1600x1200 JPEG), one after the other; each is timed from his POST /transform to the moment the
API reports it succeeded (polled every 10 ms). Three phases:
  - unloaded: nothing else runs;
  - loaded, fair: Alice has first queued three expensive jobs (upscale, rotate 45, blur 50,
    sketch, PNG level 9: several seconds each), and Bob's jobs run while hers do;
  - loaded, no heavy lane: the same with TRANSFORMER_HEAVY_JOB_COST so high that no job counts
    as heavy (fair queueing between accounts only), to show what the lane is for.
Writes bench/results/fairness.md.
"""

import io
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from bench.gateway_bench import environment_note
from devstack.config import StackConfig
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_ENV = {
    "RATE_LIMIT_TRANSFORMS": "100000/minute",
    "RATE_LIMIT_READS": "10000000/minute",
    "RATE_LIMIT_LOGIN": "100000/minute",
    "RATE_LIMIT_UPLOADS": "100000/minute",
    "LOG_LEVEL": "WARNING",
}
LIGHT_JOBS = 12
EXPENSIVE = [
    {"op": "resize", "width": 2500, "height": 2500, "upscale": True},
    {"op": "rotate", "angle": 45},
    {"op": "blur", "sigma": 50},
    {"op": "sketch", "style": "pencil"},
]
TERMINAL = ("succeeded", "failed")


def _jpeg(size: tuple[int, int]) -> bytes:
    picture = io.BytesIO()
    Image.effect_mandelbrot(size, (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB").save(
        picture, format="JPEG", quality=90
    )
    return picture.getvalue()


class Account:
    def __init__(self, gateway_url: str, photo: bytes) -> None:
        name = f"bench_{os.urandom(4).hex()}"
        body = {"username": name, "email": f"{name}@example.com", "password": "bench pass 123"}
        self.client = httpx.Client(base_url=gateway_url, timeout=60)
        token = self.client.post("/auth/register", json=body).raise_for_status().json()
        self.client.headers["Authorization"] = f"Bearer {token['access_token']}"
        files = {"file": ("bench.jpg", photo, "image/jpeg")}
        self.image = self.client.post("/images", files=files).raise_for_status().json()["id"]

    def transform(self, spec: dict[str, Any]) -> str:
        answer = self.client.post(f"/images/{self.image}/transform", json=spec)
        return str(answer.raise_for_status().json()["id"])

    def status(self, tid: str) -> str:
        answer = self.client.get(f"/images/{self.image}/transformations/{tid}")
        return str(answer.raise_for_status().json()["status"])

    def wait(self, tid: str, until: tuple[str, ...] = TERMINAL, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while (status := self.status(tid)) not in until:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{tid} still {status}")
            time.sleep(0.01)
        return status


def light_latencies(bob: Account, phase: int) -> list[float]:
    latencies = []
    for n in range(LIGHT_JOBS):
        # A new variant each time (the quality differs), so every one is rendered.
        spec = {
            "operations": [{"op": "resize", "width": 320}],
            "output": {"format": "webp", "quality": 30 + phase * LIGHT_JOBS + n},
        }
        began = time.perf_counter()
        tid = bob.transform(spec)
        assert bob.wait(tid) == "succeeded", tid
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def loaded(alice: Account, bob: Account, phase: int) -> tuple[list[float], int]:
    """Bob's latencies while Alice's expensive jobs run; and how many of hers were unfinished
    when his last one succeeded (3 = the whole measurement was under load)."""
    heavy = [
        alice.transform(
            {
                "operations": [*EXPENSIVE, {"op": "blur", "sigma": 1 + n + 3 * phase}],
                "output": {"format": "png", "png_compression": 9},
            }
        )
        for n in range(3)
    ]
    alice.wait(heavy[0], until=("processing", *TERMINAL))
    latencies = light_latencies(bob, phase)
    unfinished = sum(alice.status(tid) not in TERMINAL for tid in heavy)
    for tid in heavy:
        alice.wait(tid)
    return latencies, unfinished


def _row(label: str, latencies: list[float], unfinished: str) -> str:
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"| {label} | {statistics.median(latencies):.0f} | {p90:.0f} | {max(latencies):.0f} | "
        f"{unfinished} |"
    )


def main() -> int:
    note = environment_note()
    with (
        tempfile.TemporaryDirectory(prefix="fairness-bench-") as root,
        Stack(StackConfig.with_free_ports(Path(root), environment="development")) as stack,
    ):
        platform = Platform(stack, ports=free_ports(), extra_env=BENCH_ENV).start()
        try:
            gateway = platform.url("gateway")
            alice, bob = Account(gateway, _jpeg((451, 300))), Account(gateway, _jpeg((1600, 1200)))
            light_latencies(bob, 0)  # warm-up
            unloaded = light_latencies(bob, 1)
            fair, fair_unfinished = loaded(alice, bob, 2)
            transformer = platform.services["transformer"]
            transformer.env["TRANSFORMER_HEAVY_JOB_COST"] = "1e12"
            transformer.restart()
            unfair, unfair_unfinished = loaded(alice, bob, 3)
        finally:
            platform.stop()
    ratio = statistics.median(fair) / statistics.median(unloaded)
    text = "\n".join(
        [
            "# Fairness benchmark",
            "",
            f"A light job's latency (POST /transform to `succeeded` in the API, {LIGHT_JOBS} jobs",
            "one after the other: a 320 px WebP of a 1600x1200 JPEG) with nothing else running,",
            "and while another account's three expensive jobs (upscale to 2500 px, rotate 45,",
            "blur 50, sketch, PNG level 9; queued first) run. `python -m bench fairness`.",
            "",
            note,
            "",
            "| light job | p50 ms | p90 ms | max ms | expensive jobs unfinished at the end |",
            "|---|---|---|---|---|",
            _row("unloaded", unloaded, "-"),
            _row("loaded (fair scheduling, heavy lane)", fair, f"{fair_unfinished} of 3"),
            _row("loaded, no heavy lane (fair queue only)", unfair, f"{unfair_unfinished} of 3"),
            "",
            f"Loaded against unloaded p50 with the heavy lane: {ratio:.2f}x (the two cores are",
            "shared with the expensive job in its lane). Without the lane both processes take",
            "expensive jobs and the first light job waits for one of them to finish (the max).",
            "",
        ]
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fairness.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
