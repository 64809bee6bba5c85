"""The whole platform under load, driven from outside through the gateway only.

    python -m bench platform          (or: make bench, which runs every benchmark)

1. starts the local stack and the four services as separate processes (devstack), with the
   gateway's rate limits raised above the load, so every request must be served (errors: 0);
2. prepares accounts with uploaded photos and finished variants;
3. runs locust headless for a bounded time: mixed reads, uploads and transformation requests;
4. measures end-to-end transformation latency for a 12 MP photo: a scikit-image bundled photo
   upscaled with libvips to 12 MP (JPEG), upload start -> TransformSucceeded over the gateway
   WebSocket, for an 800 px wide WebP;
5. reads the RSS of every process before and after the load, and its peak through both, and
   writes bench/results/platform.md and bench/results/platform.png.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
import pyvips

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the e2e client kit: one client, not two

from e2e_kit.api import Gateway, transformation_id  # noqa: E402
from e2e_kit.photos import photo_bytes, sniff_format  # noqa: E402
from e2e_kit.platform import PlatformControl, start_platform  # noqa: E402

from bench.peak_rss import PeakRss  # noqa: E402
from bench.platform_load import run_locust  # noqa: E402
from bench.platform_report import LatencyResult, write_chart, write_markdown  # noqa: E402

# The bench measures the platform, not the limiter: limits far above what 2 cores can push.
BENCH_ENV = {
    "RATE_LIMIT_LOGIN": "100000/minute",
    "RATE_LIMIT_UPLOADS": "100000/minute",
    "RATE_LIMIT_TRANSFORMS": "100000/minute",
    "RATE_LIMIT_READS": "1000000/minute",
    "LOG_LEVEL": "WARNING",
}
LARGE_PHOTO = "astronaut"
LARGE_MEGAPIXELS = 12.0
TO_800_WEBP = {"operations": [{"op": "resize", "width": 800}], "output": {"format": "webp"}}


def memory_by_process(platform: PlatformControl) -> dict[str, tuple[float, float]]:
    """(RSS of the component's main process, PSS of its whole process tree) in MiB.

    PSS splits shared pages between the processes mapping them: PostgreSQL forks a backend per
    connection, all mapping the same shared buffers, so summing their RSS would count them many
    times over."""
    sizes = {}
    for name, pid in platform.pids().items():
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
            pss = sum(p.memory_full_info().pss for p in tree)
            sizes[name] = (root.memory_info().rss / 2**20, pss / 2**20)
        except psutil.Error:
            sizes[name] = (float("nan"), float("nan"))
    return sizes


def prepare_accounts(gateway: Gateway, count: int, workdir: Path) -> dict[str, Any]:
    """Accounts for the locust users: each with two photos and four finished variants."""
    accounts = []
    for _ in range(count):
        user = gateway.register("bench")
        images = [
            str(user.upload_ok(photo_bytes(n), f"{n}.png")["id"]) for n in ("coffee", "chelsea")
        ]
        with user.live() as feed:
            variants = [
                (
                    image_id,
                    user.transform_ok(image_id, {"operations": [{"op": "resize", "width": w}]}),
                )
                for image_id in images
                for w in (160, 320)
            ]
            feed.wait_terminal([tid for _, tid in variants], timeout=120)
        for image_id, tid in variants:
            user.settled(image_id, tid)  # the API may lag the live event by a moment
        accounts.append({"token": user.account.token, "images": images, "variants": variants})
        user.close()
    upload = workdir / "upload.png"
    upload.write_bytes(photo_bytes("chelsea"))
    return {"accounts": accounts, "upload_path": str(upload)}


def large_photos(count: int) -> tuple[list[bytes], str]:
    """`count` 12 MP JPEGs of one photo with different bytes each (different encodings), so every
    run has its own checksum and variant address: nothing is served from an earlier run."""
    base = pyvips.Image.new_from_buffer(photo_bytes(LARGE_PHOTO), "")
    scale = (LARGE_MEGAPIXELS * 1e6 / (base.width * base.height)) ** 0.5
    large = base.resize(scale, kernel="lanczos3").copy_memory()
    # Camera-like qualities (92-98), baseline or progressive, chroma subsampled or not.
    encodings = [(q, p, c) for q in range(92, 99) for p in (False, True) for c in ("on", "off")]
    assert count <= len(encodings), f"at most {len(encodings)} distinct encodings"
    photos = [
        large.jpegsave_buffer(Q=q, interlace=p, subsample_mode=c) for q, p, c in encodings[:count]
    ]
    smallest, largest = min(map(len, photos)) / 2**20, max(map(len, photos)) / 2**20
    source = (
        f"scikit-image's {LARGE_PHOTO}.png ({base.width}x{base.height}) upscaled with libvips "
        f"(Lanczos 3) to {large.width}x{large.height} = {large.width * large.height / 1e6:.1f} "
        f"MP, JPEG q92-98, {smallest:.1f}-{largest:.1f} MiB"
    )
    return photos, source


def measure_latency(gateway: Gateway, runs: int) -> LatencyResult:
    user = gateway.register("latency")
    photos, source = large_photos(runs + 1)
    result = LatencyResult(source=source)
    with user.live() as feed:
        for i, photo in enumerate(photos):
            started = time.perf_counter()
            image_id = str(user.upload_ok(photo, f"large-{i}.jpg")["id"])
            asked = time.perf_counter()
            tid = transformation_id(user.transform(image_id, TO_800_WEBP).json())
            event = feed.wait_terminal([tid], timeout=120)[tid]
            finished = time.perf_counter()
            assert event["status"] == "succeeded", event
            if i == 0:
                continue  # warm-up: first connections, first libvips load
            result.samples_ms.append((finished - started) * 1000)
            result.transform_only_ms.append((finished - asked) * 1000)
    user.settled(image_id, tid)  # the API may lag the live event by a moment
    content = user.http.get(f"/images/{image_id}/transformations/{tid}/content")
    assert sniff_format(content.content) == "webp", (content.status_code, content.text[:300])
    assert pyvips.Image.new_from_buffer(content.content, "").width == 800
    user.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.platform_bench")
    parser.add_argument("--seconds", type=int, default=60, help="how long locust runs")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users")
    parser.add_argument("--accounts", type=int, default=4, help="accounts the users share")
    parser.add_argument("--latency-runs", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    RESULTS.mkdir(parents=True, exist_ok=True)

    with start_platform(BENCH_ENV) as platform, tempfile.TemporaryDirectory() as tmp:
        gateway = Gateway(platform.gateway_url)
        print(f"platform up; gateway at {platform.gateway_url}", flush=True)
        fixture = prepare_accounts(gateway, args.accounts, Path(tmp))
        memory_before = memory_by_process(platform)
        with PeakRss(platform.pids) as rss:
            print(f"locust: {args.users} users for {args.seconds} s", flush=True)
            load = run_locust(platform.gateway_url, fixture, args.users, args.seconds, Path(tmp))
            time.sleep(3)  # in-flight transformations settle before memory is read again
            memory_after = memory_by_process(platform)
            print(f"latency: {args.latency_runs} x 12 MP upload -> 800 px WebP", flush=True)
            latency = measure_latency(gateway, args.latency_runs)
        gateway.close()

    memory = (memory_before, memory_after, rss.peak_mb)
    write_markdown(load, latency, memory, RESULTS / "platform.md")
    write_chart(load, latency, memory, RESULTS / "platform.png")
    print((RESULTS / "platform.md").read_text())
    if load.total.failures:
        print(f"FAILED: {load.total.failures} requests failed under load (must be 0)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
