"""The whole platform under load, driven from outside through the gateway only.

    python -m bench platform          (or: make bench)

1. starts the local stack and the four services as separate processes (devstack), with the
   gateway's rate limits raised above the load so every request is served (errors must be 0);
2. prepares accounts with uploaded photos and finished variants;
3. runs locust headless for a bounded time: mixed reads, uploads and transformation requests;
4. measures end-to-end transformation latency for a 12 MP photo (a bundled scikit-image photo
   upscaled with libvips to 12 MP, saved as JPEG; each run's bytes differ so nothing is served
   from an earlier variant): upload start -> TransformSucceeded over the gateway WebSocket, for
   an 800 px wide WebP;
5. records the RSS of every process before and after, and writes bench/results/platform.md and
   bench/results/platform.png.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pyvips

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the e2e client kit: one client, not two

from e2e_kit.api import Gateway, User, transformation_id  # noqa: E402
from e2e_kit.photos import photo_bytes, sniff_format  # noqa: E402
from e2e_kit.platform import PlatformControl, start_platform  # noqa: E402

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


@dataclass
class LoadResult:
    rows: list[dict] = field(default_factory=list)  # one per request name, plus "Aggregated"
    seconds: float = 0.0
    users: int = 0


@dataclass
class LatencyResult:
    source: str = ""
    samples_ms: list[float] = field(default_factory=list)
    transform_only_ms: list[float] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def rss_by_process(platform: PlatformControl) -> dict[str, float]:
    """RSS in MiB of each component, summed over its process tree (postgres forks per client)."""
    sizes = {}
    for name, pid in platform.pids().items():
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
            sizes[name] = sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20
        except psutil.Error:
            sizes[name] = float("nan")
    return sizes


def prepare_accounts(gateway: Gateway, count: int) -> tuple[list[User], dict]:
    users, accounts = [], []
    for _ in range(count):
        user = gateway.register("bench")
        images = [
            str(user.upload_ok(photo_bytes(n), f"{n}.png")["id"]) for n in ("coffee", "chelsea")
        ]
        with user.live() as feed:
            tids = [
                (
                    image_id,
                    user.transform_ok(
                        image_id,
                        {
                            "operations": [{"op": "resize", "width": w}],
                            "output": {"format": "webp"},
                        },
                    ),
                )
                for image_id in images
                for w in (160, 320)
            ]
            feed.wait_terminal([tid for _, tid in tids], timeout=120)
        users.append(user)
        accounts.append({"token": user.account.token, "images": images, "variants": tids})
    return users, {"accounts": accounts}


def run_locust(base_url: str, fixture: dict, users: int, seconds: int, workdir: Path) -> LoadResult:
    upload = workdir / "upload.png"
    upload.write_bytes(photo_bytes("chelsea"))
    fixture_path = workdir / "fixture.json"
    fixture_path.write_text(json.dumps({**fixture, "upload_path": str(upload)}))
    prefix = workdir / "locust"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "platform_locust.py"),
        "--headless", "--host", base_url, "-u", str(users), "-r", str(users),
        "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_FIXTURE": str(fixture_path)}
    subprocess.run(command, env=env, check=False, timeout=seconds + 120)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    return LoadResult(rows=rows, seconds=seconds, users=users)


def large_photo_variants(count: int) -> list[bytes]:
    """`count` 12 MP JPEGs of the same photo, each with different bytes (so a different
    checksum and variant address): the quality differs by one step each time."""
    base = pyvips.Image.new_from_buffer(photo_bytes(LARGE_PHOTO), "")
    scale = (LARGE_MEGAPIXELS * 1e6 / (base.width * base.height)) ** 0.5
    large = base.resize(scale, kernel="lanczos3").copy_memory()
    return [large.jpegsave_buffer(Q=80 + i % 19) for i in range(count)]


def measure_latency(gateway: Gateway, runs: int) -> LatencyResult:
    user = gateway.register("latency")
    photos = large_photo_variants(runs + 1)
    first = pyvips.Image.new_from_buffer(photos[0], "")
    result = LatencyResult(
        source=f"{LARGE_PHOTO}.png from scikit-image ({first.width}x{first.height}, "
        f"{first.width * first.height / 1e6:.1f} MP JPEG, Lanczos upscale with libvips)"
    )
    spec = {"operations": [{"op": "resize", "width": 800}], "output": {"format": "webp"}}
    with user.live() as feed:
        for i, photo in enumerate(photos):
            started = time.perf_counter()
            image = user.upload_ok(photo, f"large-{i}.jpg")
            asked = time.perf_counter()
            tid = transformation_id(user.transform(str(image["id"]), spec).json())
            event = feed.wait_terminal([tid], timeout=120)[tid]
            finished = time.perf_counter()
            assert event["status"] == "succeeded", event
            if i == 0:
                continue  # warm-up: first connections, first libvips load
            result.samples_ms.append((finished - started) * 1000)
            result.transform_only_ms.append((finished - asked) * 1000)
        content = user.http.get(f"/images/{image['id']}/transformations/{tid}/content")
        assert sniff_format(content.content) == "webp"
        assert pyvips.Image.new_from_buffer(content.content, "").width == 800
    return result


def _num(row: dict, key: str) -> float:
    try:
        return float(row.get(key) or "nan")
    except ValueError:
        return float("nan")


def write_markdown(
    load: LoadResult,
    latency: LatencyResult,
    rss_before: dict[str, float],
    rss_after: dict[str, float],
    path: Path,
) -> None:
    cpu = f"{os.cpu_count()} cores"
    lines = [
        "# Platform benchmark",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} on {cpu}, everything on one machine (the four "
        "services, PostgreSQL, Kafka, SeaweedFS S3, Redis and the load generator share the "
        "cores). Driven only through the gateway. Produced by `python -m bench platform`.",
        "",
        f"## Mixed load: locust, {load.users} users, {load.seconds} s, no think time",
        "",
        "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in load.rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{_num(row, 'Requests/s'):.1f} | {_num(row, '50%'):.0f} | {_num(row, '95%'):.0f} | "
            f"{_num(row, '99%'):.0f} | {_num(row, 'Max Response Time'):.0f} |"
        )
    samples = latency.samples_ms
    lines += [
        "",
        "## End-to-end transformation latency",
        "",
        f"Source: {latency.source}. Target: resize to 800 px wide, WebP. Measured from the start "
        "of the upload to the TransformSucceeded event on the gateway WebSocket; the second "
        "line starts the clock at the transform request (after the upload returned).",
        "",
        "| measure | runs | p50 ms | p99 ms | mean ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, values in (
        ("upload -> succeeded event", samples),
        ("transform request -> succeeded event", latency.transform_only_ms),
    ):
        lines.append(
            f"| {label} | {len(values)} | {percentile(values, 50):.0f} | "
            f"{percentile(values, 99):.0f} | {statistics.fmean(values):.0f} | {max(values):.0f} |"
        )
    lines += [
        "",
        "## Resident memory (RSS, MiB, process tree) before and after the load",
        "",
        "| process | before | after | change |",
        "|---|---:|---:|---:|",
    ]
    for name in rss_before:
        before, after = rss_before[name], rss_after.get(name, float("nan"))
        lines.append(f"| {name} | {before:.0f} | {after:.0f} | {after - before:+.0f} |")
    path.write_text("\n".join(lines) + "\n")


def write_chart(
    load: LoadResult,
    latency: LatencyResult,
    rss_before: dict[str, float],
    rss_after: dict[str, float],
    path: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in load.rows if r["Name"] != "Aggregated"]
    fig, (ax_req, ax_e2e, ax_rss) = plt.subplots(1, 3, figsize=(17, 5.5))
    names = [r["Name"].replace("GET ", "").replace("POST ", "POST\n") for r in rows]
    positions = range(len(rows))
    for offset, (key, label) in enumerate((("50%", "p50"), ("95%", "p95"), ("99%", "p99"))):
        ax_req.bar(
            [p + (offset - 1) * 0.27 for p in positions],
            [_num(r, key) for r in rows],
            width=0.27,
            label=label,
        )
    ax_req.set_xticks(list(positions), names, rotation=35, ha="right", fontsize=8)
    ax_req.set_ylabel("ms")
    total = next((r for r in load.rows if r["Name"] == "Aggregated"), {})
    ax_req.set_title(
        f"gateway under mixed load: {_num(total, 'Requests/s'):.0f} req/s, "
        f"{total.get('Failure Count', '?')} errors"
    )
    ax_req.legend()

    ax_e2e.hist(latency.samples_ms, bins=15, color="tab:purple")
    for q, style in ((50, "--"), (99, ":")):
        ax_e2e.axvline(
            percentile(latency.samples_ms, q),
            color="black",
            linestyle=style,
            label=f"p{q} {percentile(latency.samples_ms, q):.0f} ms",
        )
    ax_e2e.set_title("12 MP upload -> 800 px WebP succeeded (WebSocket)")
    ax_e2e.set_xlabel("ms")
    ax_e2e.legend()

    procs = list(rss_before)
    ax_rss.barh(
        [i + 0.2 for i in range(len(procs))], [rss_before[p] for p in procs], 0.4, label="before"
    )
    ax_rss.barh(
        [i - 0.2 for i in range(len(procs))],
        [rss_after.get(p, 0) for p in procs],
        0.4,
        label="after",
    )
    ax_rss.set_yticks(range(len(procs)), procs)
    ax_rss.set_xlabel("RSS MiB")
    ax_rss.set_title("memory before / after")
    ax_rss.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.platform_bench")
    parser.add_argument("--seconds", type=int, default=60, help="locust run time")
    parser.add_argument("--users", type=int, default=16, help="concurrent locust users")
    parser.add_argument("--accounts", type=int, default=4)
    parser.add_argument("--latency-runs", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    RESULTS.mkdir(parents=True, exist_ok=True)

    with start_platform(BENCH_ENV) as platform, tempfile.TemporaryDirectory() as tmp:
        gateway = Gateway(platform.gateway_url)
        print(f"platform up, gateway at {platform.gateway_url}", flush=True)
        _, fixture = prepare_accounts(gateway, args.accounts)
        rss_before = rss_by_process(platform)
        print(f"locust: {args.users} users for {args.seconds} s", flush=True)
        load = run_locust(platform.gateway_url, fixture, args.users, args.seconds, Path(tmp))
        print(f"latency: {args.latency_runs} x 12 MP upload -> 800 px WebP", flush=True)
        latency = measure_latency(gateway, args.latency_runs)
        time.sleep(2)  # let in-flight work settle before the second memory reading
        rss_after = rss_by_process(platform)
        gateway.close()

    write_markdown(load, latency, rss_before, rss_after, RESULTS / "platform.md")
    write_chart(load, latency, rss_before, rss_after, RESULTS / "platform.png")
    print((RESULTS / "platform.md").read_text())
    total = next(r for r in load.rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    if errors:
        print(f"FAILED: {errors} requests failed under load (must be 0)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
