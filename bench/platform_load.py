"""The load half of the platform benchmark: locust headless in its own process, and its stats.

Locust runs as a subprocess (it monkey-patches the interpreter with gevent, which must not touch
the process that runs the platform). Its final stats come back as JSON (--json-file) and are
summarised here from the raw response-time histograms, so nothing depends on CSV timing.
"""

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCUSTFILE = Path(__file__).resolve().parent / "platform_locust.py"


@dataclass(frozen=True)
class EndpointStats:
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass(frozen=True)
class LoadResult:
    endpoints: list[EndpointStats]
    total: EndpointStats
    users: int
    seconds: int
    failures: dict[str, int]  # "method name: error" -> occurrences


def _percentile(histogram: dict[int, int], count: int, q: float) -> float:
    """Locust keeps response times as a histogram {rounded ms: occurrences}."""
    wanted, seen = q / 100 * count, 0
    for millis in sorted(histogram):
        seen += histogram[millis]
        if seen >= wanted:
            return float(millis)
    return float("nan")


def _summarise(name: str, entries: list[dict[str, Any]], seconds: float) -> EndpointStats:
    histogram: dict[int, int] = {}
    for entry in entries:
        for millis, times in entry["response_times"].items():
            histogram[int(float(millis))] = histogram.get(int(float(millis)), 0) + times
    count = sum(e["num_requests"] for e in entries)
    return EndpointStats(
        name=name,
        count=count,
        failures=sum(e["num_failures"] for e in entries),
        rps=count / seconds,
        p50=_percentile(histogram, count, 50),
        p95=_percentile(histogram, count, 95),
        p99=_percentile(histogram, count, 99),
        max=float(max((e["max_response_time"] or 0) for e in entries)),
    )


def run_locust(
    base_url: str, fixture: dict[str, Any], users: int, seconds: int, workdir: Path
) -> LoadResult:
    fixture_path = workdir / "fixture.json"
    fixture_path.write_text(json.dumps(fixture))
    stats_path = workdir / "locust.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
        "--host", base_url, "-u", str(users), "-r", str(users), "-t", f"{seconds}s",
        "--json-file", str(stats_path.with_suffix("")), "--csv", str(workdir / "locust"),
        "--only-summary",
        "--stop-timeout", "5", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_FIXTURE": str(fixture_path)}
    subprocess.run(command, env=env, check=False, timeout=seconds + 120)
    entries = json.loads(stats_path.read_text())
    # The measured span: first request to last, across every endpoint.
    span = max(e["last_request_timestamp"] for e in entries) - min(e["start_time"] for e in entries)
    by_name = sorted(entries, key=lambda e: e["name"])
    endpoints = [_summarise(e["name"], [e], span) for e in by_name]
    failures = {}
    with (workdir / "locust_failures.csv").open(newline="") as rows:
        for row in csv.DictReader(rows):
            failures[f"{row['Method']} {row['Name']}: {row['Error']}"] = int(row["Occurrences"])
    return LoadResult(
        endpoints=endpoints,
        total=_summarise("all", entries, span),
        users=users,
        seconds=seconds,
        failures=failures,
    )
