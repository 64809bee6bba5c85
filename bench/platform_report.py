"""The platform benchmark's outputs: bench/results/platform.md (tables) and platform.png (chart)."""

import os
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.platform_load import LoadResult


@dataclass
class LatencyResult:
    source: str = ""
    samples_ms: list[float] = field(default_factory=list)  # upload start -> succeeded event
    transform_only_ms: list[float] = field(default_factory=list)  # request -> succeeded event


Memory = dict[str, tuple[float, float]]  # component -> (main process RSS, tree PSS), MiB
Peaks = dict[str, float]  # process -> highest RSS sampled during the load and the latency runs
IMAGES_PEAK_TARGET_MB = 150  # #13: the images service under this benchmark


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def write_markdown(
    load: LoadResult,
    latency: LatencyResult,
    memory: tuple[Memory, Memory, Peaks],
    path: Path,
) -> None:
    before, after, peaks = memory
    lines = [
        "# Platform benchmark",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, everything on one "
        "machine: the four services (one process each), PostgreSQL, Kafka, SeaweedFS S3, Redis "
        "and the load generator share the cores. Driven only through the gateway, with its rate "
        "limits raised above the load. Produced by `python -m bench platform`.",
        "",
        f"## Mixed load: locust, {load.users} users, {load.seconds} s, no think time",
        "",
        "| request | count | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*load.endpoints, load.total]:
        name = "**all**" if row is load.total else row.name
        lines.append(
            f"| {name} | {row.count} | {row.failures} | {row.rps:.1f} | {row.p50:.0f} | "
            f"{row.p95:.0f} | {row.p99:.0f} | {row.max:.0f} |"
        )
    for reason, times in load.failures.items():
        lines.append(f"\nError: {reason} ({times}x)")
    lines += [
        "",
        "## End-to-end transformation latency, 12 MP photo to an 800 px WebP",
        "",
        f"Source: {latency.source}. Each run uploads different bytes (so a new variant is made, "
        "never an earlier one reused), asks for resize to 800 px wide + WebP, and waits for "
        "TransformSucceeded on the gateway WebSocket, one run at a time, after the mixed load.",
        "",
        "| measure | runs | p50 ms | p99 ms | mean ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, values in (
        ("upload start -> succeeded event", latency.samples_ms),
        ("transform request -> succeeded event", latency.transform_only_ms),
    ):
        lines.append(
            f"| {label} | {len(values)} | {percentile(values, 50):.0f} | "
            f"{percentile(values, 99):.0f} | {statistics.fmean(values):.0f} | {max(values):.0f} |"
        )
    lines += [
        "",
        "## Memory before, during and after the load (MiB)",
        "",
        "RSS of each component's main process (its peak sampled every 50 ms through the mixed "
        "load and the latency runs), and PSS of its whole process tree (shared pages split "
        "between the processes mapping them: PostgreSQL's backends share its buffers). Flat for "
        "the services means no leak; PostgreSQL and S3 grow as their caches fill.",
        "",
        "| process | RSS before | RSS peak | RSS after | RSS change | tree PSS before "
        "| tree PSS after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, (rss_before, pss_before) in before.items():
        rss_after, pss_after = after.get(name, (float("nan"), float("nan")))
        lines.append(
            f"| {name} | {rss_before:.0f} | {peaks.get(name, float('nan')):.0f} | "
            f"{rss_after:.0f} | {rss_after - rss_before:+.0f} | {pss_before:.0f} | "
            f"{pss_after:.0f} |"
        )
    images_peak = peaks.get("images", float("nan"))
    verdict = "met" if images_peak <= IMAGES_PEAK_TARGET_MB else "**not met**"
    lines += [
        "",
        f"Images service peak RSS (its API process): {images_peak:.0f} MiB (target <= "
        f"{IMAGES_PEAK_TARGET_MB}: {verdict}). An upload's pixels are decoded in a process of "
        "the API's own (`images child`), whose peak is one decode's. The largest child "
        "processes at their peak: "
        + ", ".join(f"{n} {mb:.0f}" for n, mb in sorted(peaks.items()) if n.endswith(" child"))
        + ".",
    ]
    path.write_text("\n".join(lines) + "\n")


def write_chart(
    load: LoadResult,
    latency: LatencyResult,
    memory: tuple[Memory, Memory, Peaks],
    path: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before, after, peaks = memory
    fig, (ax_req, ax_e2e, ax_rss) = plt.subplots(1, 3, figsize=(18, 5.5))
    rows = load.endpoints
    for offset, (attr, label) in enumerate((("p50", "p50"), ("p95", "p95"), ("p99", "p99"))):
        positions = [i + (offset - 1) * 0.27 for i in range(len(rows))]
        ax_req.bar(positions, [getattr(r, attr) for r in rows], width=0.27, label=label)
    ax_req.set_xticks(range(len(rows)), [r.name for r in rows], rotation=30, ha="right", fontsize=8)
    ax_req.set_ylabel("ms")
    ax_req.set_title(
        f"mixed load via the gateway: {load.total.rps:.0f} req/s, {load.total.failures} errors"
    )
    ax_req.legend()

    ax_e2e.hist(latency.samples_ms, bins=15, color="tab:purple")
    for q, style in ((50, "--"), (99, ":")):
        value = percentile(latency.samples_ms, q)
        ax_e2e.axvline(value, color="black", linestyle=style, label=f"p{q} {value:.0f} ms")
    ax_e2e.set_title("12 MP upload -> 800 px WebP succeeded (over /ws)")
    ax_e2e.set_xlabel("ms")
    ax_e2e.legend()

    names = list(before)
    bars = (
        ("before", [before[n][0] for n in names]),
        ("peak", [peaks.get(n, 0.0) for n in names]),
        ("after", [after.get(n, (0, 0))[0] for n in names]),
    )
    for offset, (label, values) in enumerate(bars):
        ax_rss.barh([i + (1 - offset) * 0.27 for i in range(len(names))], values, 0.27, label=label)
    ax_rss.axvline(IMAGES_PEAK_TARGET_MB, color="black", linestyle=":", label="images target")
    ax_rss.set_yticks(range(len(names)), names)
    ax_rss.set_xlabel("RSS of the main process, MiB")
    ax_rss.set_title("memory before / peak / after the load")
    ax_rss.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
