"""The render benchmark's table (bench/results/render.md) and chart (render.png)."""

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.render_measure import Measured


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def rows(m: Measured) -> list[tuple[str, str, str, str, str, str]]:
    med = statistics.median
    # Means: other processes' CPU is read in clock ticks (10 ms), so one sample is coarse, while
    # the sum over all of them is exact.
    mean = statistics.fmean
    cpu_raw, cpu_th, cpu_pf = mean(m.raw_cpu_ms), mean(m.thumbor_cpu_ms), mean(m.platform_cpu_ms)
    p50_raw, p50_th, p50_pf = med(m.raw_ms), med(m.thumbor_ms), med(m.platform_ms)
    rps = m.rps
    bytes_ratio = sum(m.bytes_platform) / sum(m.bytes_thumbor)
    overhead = med(m.async_overhead_ms)
    return [
        (
            "CPU ms per new variant (mean, all service processes)",
            f"{cpu_raw:.0f}",
            f"{cpu_th:.0f}",
            f"{cpu_pf:.0f}",
            f"{cpu_pf / cpu_raw:.2f}x raw, {cpu_pf / cpu_th:.2f}x Thumbor",
            f"<= 1.15x raw: {_mark(cpu_pf <= 1.15 * cpu_raw)}",
        ),
        (
            "p50 latency ms, one at a time",
            f"{p50_raw:.0f}",
            f"{p50_th:.0f}",
            f"{p50_pf:.0f}",
            f"raw {p50_pf - p50_raw:+.0f} ms",
            f"<= raw + 15 ms: {_mark(p50_pf <= p50_raw + 15)}",
        ),
        (
            "new variants per s, concurrency 2",
            f"{rps['raw pyvips']:.1f}",
            f"{rps['Thumbor']:.1f}",
            f"{rps['platform']:.1f}",
            f"{rps['platform'] / rps['Thumbor']:.2f}x Thumbor",
            f">= 1.1x Thumbor: {_mark(rps['platform'] >= 1.1 * rps['Thumbor'])}",
        ),
        (
            "cached variant per s, concurrency 2",
            "",
            "",
            f"{rps['cached']:.1f}",
            f"{rps['cached'] / rps['platform']:.1f}x a new render",
            f">= 8x: {_mark(rps['cached'] >= 8 * rps['platform'])}",
        ),
        (
            "output bytes, all photos",
            "",
            f"{sum(m.bytes_thumbor):,}",
            f"{sum(m.bytes_platform):,}",
            f"{bytes_ratio:.3f}x Thumbor",
            f"within 5%: {_mark(abs(bytes_ratio - 1) <= 0.05)}",
        ),
        (
            "async: transform -> succeeded on the WebSocket, p50 / p99 ms",
            "",
            "",
            f"{med(m.async_ms):.0f} / {_p(m.async_ms, 0.99):.0f}",
            f"p50 overhead {overhead:.0f} ms beyond raw pyvips",
            f"<= 15 ms: {_mark(overhead <= 15)}; no 0.5 s stall: "
            f"{_mark(max(m.async_overhead_ms) < 500)}",
        ),
    ]


def _effort_table(name: str, efforts: dict[int, tuple[float, int]], base: int) -> list[str]:
    cpu_base, bytes_base = efforts[base]
    return [
        f"## {name} encoder effort (the photos at 800 px, one thread)",
        "",
        f"| effort | encoder CPU s | bytes | vs effort {base} |",
        "|---:|---:|---:|---|",
        *(
            f"| {effort} | {cpu:.2f} | {size:,} | {cpu / cpu_base:.2f}x CPU, "
            f"{size / bytes_base:.3f}x bytes |"
            for effort, (cpu, size) in efforts.items()
        ),
        "",
    ]


def _hops_table(m: Measured) -> list[str]:
    """The async path hop by hop, from its events' Kafka record timestamps (event_timeline)."""
    med = statistics.median
    return [
        "| hop of the async path | p50 ms | p90 ms |",
        "|---|---:|---:|",
        *(f"| {hop} | {med(v):.1f} | {_p(v, 0.9):.1f} |" for hop, v in m.async_hops_ms.items()),
        f"| (raw pyvips doing the render's work, in-process) | {med(m.async_raw_ms):.1f} | "
        f"{_p(m.async_raw_ms, 0.9):.1f} |",
    ]


def write_markdown(m: Measured, path: Path) -> None:
    sources = ", ".join(
        f"{name} ({mp:.1f} MP, {size / 2**20:.1f} MiB)" for name, mp, size in m.sources
    )
    lines = [
        "# Render path: a new variant against raw pyvips and Thumbor",
        "",
        f"Run {m.run_at} on {m.cores} cores (load average {m.load_average:.1f} at the end), "
        "everything on one machine. Produced by `python -m bench render` (`make bench`). "
        "Resize to 800 px wide, WebP q80, ICC kept, the transformer's on-the-fly WebP effort "
        "(raw pyvips too); the three ways take turns, "
        f"{len(m.raw_ms)} new variants each one at a time, then pairs at concurrency 2.",
        "",
        f"Photos: scikit-image's bundled photographs upscaled (Lanczos 3) to camera sizes: "
        f"{sources}. Thumbor {m.cores} processes, file loader, no storage, no result storage.",
        "",
        "| measure | raw pyvips | Thumbor | platform | ratio | target |",
        "|---|---:|---:|---:|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows(m)),
        "",
        f"CPU of the platform is summed over gateway, auth, images, the images worker and the "
        f"transformer with its "
        f"pool processes, from the request to {0.6:g} s after the answer (the variant's S3 write "
        f"and status events follow the answer), less the platform's idle CPU "
        f"({m.idle_cpu_per_s * 1000:.0f} ms/s: relay polls, Kafka heartbeats). The "
        f"infrastructure (PostgreSQL, Kafka, S3, Redis) used a further "
        f"{statistics.fmean(m.platform_infra_cpu_ms):.0f} ms per new variant (mean), "
        "not counted above. On-the-fly answers: "
        f"{', '.join(f'{s}: {m.statuses.count(s)}' for s in sorted(set(m.statuses)))}.",
        "",
        "Async path: of the p50 "
        f"{statistics.median(m.async_ms):.0f} ms, raw pyvips doing the same work took "
        f"{statistics.median(m.async_raw_ms):.0f} ms (p50), measured just before each."
        " The rest is the request, the outbox relay, Kafka and the gateway's live push:",
        "",
        *_hops_table(m),
        "",
        "## Where the platform's CPU goes, per new variant (mean ms, idle not subtracted)",
        "",
        "| " + " | ".join(m.cpu_by_component) + " |",
        "|" + "---:|" * len(m.cpu_by_component),
        "| " + " | ".join(f"{statistics.fmean(v):.0f}" for v in m.cpu_by_component.values()) + " |",
        "",
        "Serving a stored variant instead (images streams it from S3 through the gateway, "
        "concurrency 2), per request: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in m.cached_cpu_ms.items())
        + ". That is the most a second pass of the bytes through images can cost (it includes "
        "the token check, the database read and the S3 read), so the gateway does not stream "
        "from the transformer directly: images must answer for the row and the ETag anyway.",
        "",
        *_effort_table("AVIF", m.avif, 2),
        "On the fly the transformer encodes AVIF at effort 0 (`AVIF_EFFORT_ON_THE_FLY`, as "
        "imgproxy's default speed), queued requests at 2 (`AVIF_EFFORT`).",
        "",
        *_effort_table("WebP q80", m.webp, 4),
        "On the fly the transformer encodes WebP at effort 2 (`WEBP_EFFORT_ON_THE_FLY`), queued "
        "requests at 4 (`WEBP_EFFORT`), both with libwebp's photo preset (`WEBP_PRESET`). "
        "Thumbor's bytes for the same photos (Pillow, its default effort 4): "
        f"{sum(m.bytes_thumbor):,}.",
        "",
        "## Memory (MiB)",
        "",
        "| process | peak RSS during the run | RSS of its process tree at the end |",
        "|---|---:|---:|",
        *(
            f"| {name} | {peak:.0f} | {m.memory_end.get(name.removesuffix(' child'), 0):.0f} |"
            for name, peak in sorted(m.peak_rss_mb.items())
        ),
        "",
        "`X child` is the largest child process of X (the transformer's: a libvips pool "
        "process, the largest source is 17.9 MP).",
    ]
    path.write_text("\n".join(lines) + "\n")


def write_chart(m: Measured, path: Path) -> None:
    med = statistics.median
    names = ["raw pyvips", "Thumbor", "platform"]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4))
    panels = [
        (
            "CPU ms per new variant (mean)",
            [statistics.fmean(v) for v in (m.raw_cpu_ms, m.thumbor_cpu_ms, m.platform_cpu_ms)],
        ),
        ("p50 latency ms", [med(m.raw_ms), med(m.thumbor_ms), med(m.platform_ms)]),
        ("new variants / s at concurrency 2", [m.rps[n] for n in names]),
    ]
    for axis, (title, values) in zip(axes, panels, strict=True):
        bars = axis.bar(names, values, color=["#999999", "#4c72b0", "#dd8452"])
        axis.bar_label(bars, fmt="%.0f" if values[0] > 20 else "%.1f")
        axis.set_title(title)
    figure.suptitle("Resize to 800 px wide, WebP q80, 1.3-17.9 MP photos (python -m bench render)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
