"""Cached public delivery through the gateway against a direct S3 GET of the same object.

    python -m bench delivery          (or: make bench)

Starts the local stack and the platform, uploads one photo, creates a signing key and asks the
gateway once for a signed delivery URL (a 400 px WebP, so it is rendered and then hot in the
gateway's variant cache). Then, in alternating rounds, the same bytes are fetched
  - from S3 directly: a presigned GET of the variant object (what a client reaching the bucket
    would do; the object store checks the signature on every request), and
  - through the gateway: the signed delivery URL, verified on every request (HMAC + key cache,
    budgets) and answered from the gateway's cache.
Latency on one keep-alive connection, throughput on CONCURRENCY connections, and the serving
process's CPU per request. Writes bench/results/delivery.md.
"""

import base64
import hashlib
import hmac
import io
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import uvloop
from PIL import Image

from bench.gateway_bench import (
    ROUNDS,
    WARMUP_REQUESTS,
    Sample,
    _connection,
    _median,
    environment_note,
    measure,
)
from devstack.config import StackConfig
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BENCH_ENV = {
    "RATE_LIMIT_DELIVERY_READS": "100000000/minute",
    "RATE_LIMIT_LOGIN": "100000/minute",
    "LOG_LEVEL": "WARNING",
}
OPTIONS = "rs:fit:400:400"


def _sign(key: str, salt: str, path: str) -> str:
    digest = hmac.new(bytes.fromhex(key), bytes.fromhex(salt) + path.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def prepare(gateway_url: str) -> tuple[str, str, int]:
    """A user, a photo, a key; returns (delivery path, variant S3 key, variant bytes)."""
    name = f"bench_{os.urandom(4).hex()}"
    account = {"username": name, "email": f"{name}@example.com", "password": "bench pass 123"}
    picture = io.BytesIO()
    Image.effect_mandelbrot((1600, 1200), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB").save(
        picture, format="JPEG", quality=90
    )
    with httpx.Client(base_url=gateway_url, timeout=60) as client:
        token = client.post("/auth/register", json=account).raise_for_status().json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        me = client.get("/auth/me", headers=auth).raise_for_status().json()
        image = client.post(
            "/images", headers=auth, files={"file": ("bench.jpg", picture.getvalue(), "image/jpeg")}
        ).raise_for_status()
        image_id = image.json()["id"]
        key = client.post("/delivery/keys", headers=auth).raise_for_status().json()
        signed = f"/{OPTIONS}/plain/{image_id}@webp"
        path = f"/d/{me['id']}/{_sign(key['key'], key['salt'], signed)}{signed}"
        deadline = time.monotonic() + 120
        while (answer := client.get(path)).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        answer.raise_for_status()
        variant = f"variants/{answer.headers['etag'].strip(chr(34))}.webp"
    return path, variant, len(answer.content)


def _get(target: str, host: str) -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAccept: image/webp\r\n\r\n".encode()


async def compare(
    s3: tuple[int, int, bytes], gateway: tuple[int, int, bytes]
) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {"s3": [], "gateway": []}
    for port, _, request in (s3, gateway):
        await _connection(port, request, WARMUP_REQUESTS, 0, [])
    for _ in range(ROUNDS):
        samples["s3"].append(await measure(*s3))
        samples["gateway"].append(await measure(*gateway))
    return samples


def report(samples: dict[str, list[Sample]], size: int, environment: str) -> str:
    rows = []
    for name, label in (("s3", "S3 presigned GET (direct)"), ("gateway", "gateway /d/ (cached)")):
        got = samples[name]
        rows.append(
            f"| {label} | {_median(got, 'p50_ms'):.3f} | {_median(got, 'p99_ms'):.3f} | "
            f"{_median(got, 'rps'):.0f} | {_median(got, 'cpu_us_per_request'):.0f} µs |"
        )
    ratio = _median(samples["gateway"], "rps") / _median(samples["s3"], "rps")
    return "\n".join(
        [
            "# Delivery benchmark",
            "",
            f"One {size}-byte WebP variant ({OPTIONS} of a 1600x1200 JPEG), fetched in the same",
            "run from S3 directly (a presigned GET of its object) and through the gateway's",
            "public delivery route (signed URL verified on every request, served from the",
            f"gateway's cache). `python -m bench delivery`; medians of {ROUNDS} alternating",
            "rounds.",
            "",
            environment,
            "",
            "| path | p50 ms | p99 ms | req/s | CPU per request (serving process) |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"Gateway cached delivery throughput: {ratio:.0%} of a direct S3 GET.",
            "",
        ]
    )


def main() -> int:
    note = environment_note()
    with (
        tempfile.TemporaryDirectory(prefix="delivery-bench-") as root,
        Stack(StackConfig.with_free_ports(Path(root), environment="development")) as stack,
    ):
        platform = Platform(stack, ports=free_ports(), extra_env=BENCH_ENV).start()
        try:
            path, variant, size = prepare(platform.url("gateway"))
            bucket = stack.env()["S3_BUCKET"]
            presigned = stack.s3.client().generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": variant}, ExpiresIn=3600
            )
            url = urlsplit(presigned)
            s3_process = stack.s3.process
            assert s3_process is not None and s3_process.pid is not None
            gateway = platform.services["gateway"]
            assert gateway.process.pid is not None
            samples = uvloop.run(
                compare(
                    (url.port or 80, s3_process.pid, _get(f"{url.path}?{url.query}", url.netloc)),
                    (gateway.port, gateway.process.pid, _get(path, "bench")),
                )
            )
        finally:
            platform.stop()
    text = report(samples, size, note)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "delivery.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
