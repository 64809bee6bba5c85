"""The images API's memory under waves of large concurrent uploads (#13).

    python -m bench upload_waves          (or: make bench)

Starts the local stack and the platform, then sends WAVES waves of CONCURRENCY simultaneous
~16 MB PNG uploads through the gateway. The images API process's RSS is sampled every 50 ms:
its peak during each wave and what it holds once the wave is over (after a short settle).
Writes bench/results/upload_waves.md. Target: back under 200 MB after the five waves.
"""

import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pyvips

from bench.gateway_bench import environment_note
from devstack.config import StackConfig
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WAVES = 5
CONCURRENCY = 20
SETTLE_SECONDS = 3.0
MB = 1024 * 1024
BENCH_ENV = {
    "RATE_LIMIT_UPLOADS": "100000/minute",
    "RATE_LIMIT_LOGIN": "100000/minute",
    "LOG_LEVEL": "WARNING",
}


def sixteen_megabyte_png() -> bytes:
    """Noise hardly compresses: 2560 x 2560 RGB is about 16 MB of PNG."""
    noise = pyvips.Image.gaussnoise(2560, 2560, sigma=60, mean=128)
    rgb = noise.bandjoin([noise, noise]).cast("uchar")
    return bytes(rgb.write_to_buffer(".png", compression=1))


class RssSampler:
    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.now())
            time.sleep(0.05)

    def now(self) -> int:
        return self.process.memory_info().rss

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def token(gateway_url: str) -> str:
    name = f"bench_{os.urandom(4).hex()}"
    account = {"username": name, "email": f"{name}@example.com", "password": "bench pass 123"}
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        answer = client.post("/auth/register", json=account).raise_for_status()
        return str(answer.json()["access_token"])


def run_waves(
    gateway_url: str, images_pid: int
) -> tuple[list[tuple[float, float, float, int]], int]:
    """(RSS before, peak during, RSS after) in MB and the uploads refused, per wave."""
    payload = sixteen_megabyte_png()
    headers = {"Authorization": f"Bearer {token(gateway_url)}"}
    clients = [httpx.Client(base_url=gateway_url, timeout=300) for _ in range(CONCURRENCY)]

    def upload(client: httpx.Client) -> int:
        files = {"file": ("noise.png", payload, "image/png")}
        return client.post("/images", headers=headers, files=files).status_code

    rows = []
    try:
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            for _ in range(WAVES):
                sampler = RssSampler(images_pid)
                before = sampler.now()
                with sampler:
                    codes = list(pool.map(upload, clients))
                    time.sleep(SETTLE_SECONDS)
                after = sampler.now()
                refused = sum(code != 201 for code in codes)
                if refused:
                    print(f"not 201: {sorted(c for c in codes if c != 201)}", flush=True)
                rows.append((before / MB, sampler.peak / MB, after / MB, refused))
                print(f"wave: {rows[-1]}", flush=True)
    finally:
        for client in clients:
            client.close()
    return rows, len(payload)


def report(rows: list[tuple[float, float, float, int]], size: int, environment: str) -> str:
    lines = [
        "# Upload waves: the images API's memory",
        "",
        f"{WAVES} waves of {CONCURRENCY} concurrent uploads of one {size / MB:.1f} MB PNG through",
        "the gateway; RSS of the images API process (the worker is another process).",
        "`python -m bench upload_waves`.",
        "",
        environment,
        "",
        "| wave | RSS before (MB) | peak (MB) | RSS after (MB) | not 201 |",
        "|---|---|---|---|---|",
        *(
            f"| {n} | {before:.0f} | {peak:.0f} | {after:.0f} | {refused} |"
            for n, (before, peak, after, refused) in enumerate(rows, start=1)
        ),
        "",
        f"After the {WAVES} waves: **{rows[-1][2]:.0f} MB** (target: under 200 MB); "
        f"highest peak {max(r[1] for r in rows):.0f} MB.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    note = environment_note()
    with (
        tempfile.TemporaryDirectory(prefix="upload-waves-bench-") as root,
        Stack(StackConfig.with_free_ports(Path(root), environment="development")) as stack,
    ):
        platform = Platform(stack, ports=free_ports(), extra_env=BENCH_ENV).start()
        try:
            pid = platform.services["images"].process.pid
            assert pid is not None
            rows, size = run_waves(platform.url("gateway"), pid)
        finally:
            platform.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "upload_waves.md").write_text(report(rows, size, note))
    print(report(rows, size, note))
    return 0 if rows[-1][2] < 200 else 1
