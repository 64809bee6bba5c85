"""What a new variant costs: the platform against raw pyvips and Thumbor, interleaved in one run.

    python -m bench render          (or: make bench, which runs every benchmark)

The same photos (bench.render_baselines.PHOTOS, 1.3 to 17.9 MP) and the same work, "resize to
800 px wide, WebP q80", three ways, taking turns so that load on the shared machine hits all alike:
raw pyvips in this process, Thumbor over loopback HTTP, and the platform's on-the-fly path
through the gateway (`GET /images/{id}/content?w=800&format=webp&q=80` for a variant that does
not exist yet: every platform request uses its own upload, so every one is a new render). Then
the async path (transform request -> TransformSucceeded on the WebSocket) and the cached variant.
Writes bench/results/render.md and bench/results/render.png.
"""

import dataclasses
import json
import os
import statistics
import sys
import time
from pathlib import Path

import pyvips

from bench.render_baselines import Photo, avif_efforts, photos, thumbor, webp_efforts, with_comment
from bench.render_measure import Measured, PlatformProbe, measure_all
from bench.render_report import write_chart, write_markdown

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_kit.api import Gateway  # noqa: E402
from e2e_kit.platform import start_platform  # noqa: E402

from bench.platform_bench import BENCH_ENV  # noqa: E402

SEQUENTIAL_ROUNDS, CONCURRENT_ROUNDS, ASYNC_ROUNDS = 3, 3, 3
CORES = len(os.sched_getaffinity(0))


def upload_copies(user: object, sources: list[Photo], rounds: int, tag: str) -> list[list[str]]:
    """`rounds` lists of image ids, one upload per photo each, all with different bytes."""
    ids = []
    for round_ in range(rounds):
        ids.append(
            [
                str(user.upload_ok(with_comment(p.data, f"{tag}-{round_}"), p.name)["id"])  # type: ignore[attr-defined]
                for p in sources
            ]
        )
    return ids


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    pyvips.concurrency_set(1)  # as each transformer pool process runs (cores / pool size)
    sources = photos()
    print("photos:", ", ".join(f"{p.name} {p.megapixels:.1f} MP" for p in sources), flush=True)
    with (
        start_platform(BENCH_ENV) as platform,
        thumbor({p.name: p.data for p in sources}, processes=CORES) as thumbor_server,
    ):
        gateway = Gateway(platform.gateway_url)
        user = gateway.register("render")
        print("uploading the platform's copies", flush=True)
        uploads = {
            "sequential": upload_copies(user, sources, SEQUENTIAL_ROUNDS + 1, "seq"),
            "concurrent": upload_copies(user, sources, CONCURRENT_ROUNDS, "conc"),
            "async": upload_copies(user, sources, ASYNC_ROUNDS + 1, "async"),
        }
        probe = PlatformProbe(platform, user)
        measured: Measured = measure_all(sources, uploads, probe, thumbor_server)
        measured.memory_end = probe.memory_mb()
        gateway.close()
    measured.avif = avif_efforts(sources)
    measured.webp = webp_efforts(sources)
    measured.sources = [(p.name, p.megapixels, len(p.data)) for p in sources]
    measured.cores = CORES
    measured.run_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    measured.load_average = os.getloadavg()[0]
    # The samples themselves, so the table can be checked or recomputed.
    (RESULTS / "render.json").write_text(json.dumps(dataclasses.asdict(measured), indent=1))
    write_markdown(measured, RESULTS / "render.md")
    write_chart(measured, RESULTS / "render.png")
    print((RESULTS / "render.md").read_text())
    return 0 if statistics.median(measured.platform_cpu_ms) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
