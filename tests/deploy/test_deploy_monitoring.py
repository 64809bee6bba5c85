"""Every metric the Grafana dashboard or an alert rule names exists in a live /metrics.

A renamed metric would otherwise leave an empty panel and an alert that can never fire. The
names are read from the PromQL of each panel and rule and looked up in what the running
services (devstack's `running_platform`) actually export.
"""

import json
import re
from pathlib import Path
from typing import Any

import httpx
import yaml

MONITORING = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base" / "monitoring"
SERVICES = ("gateway", "auth", "images", "transformer")
_LABEL_MATCHERS = re.compile(r"\{[^}]*\}")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_RANGES = re.compile(r"\[[^\]]*\]")
_STRINGS = re.compile(r'"[^"]*"')
_IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
PROMQL_WORDS = {"and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool"}
TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)")
# The samples a metric family of each type exports (prometheus_client's exposition).
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "gauge": ("",),
    "summary": ("_sum", "_count", "_created", ""),
}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (functions and labels left out)."""
    text = _STRINGS.sub("", expr)
    text = _LABEL_MATCHERS.sub(" ", _GROUPING.sub(" ", _RANGES.sub(" ", text)))
    names = set()
    for match in _IDENTIFIER.finditer(text):
        following = text[match.end() :].lstrip()
        if following.startswith("(") or match[0] in PROMQL_WORDS:
            continue  # a function (sum, rate, histogram_quantile) or an operator keyword
        names.add(match[0])
    return names


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def rule_exprs() -> list[str]:
    rules = yaml.safe_load((MONITORING / "prometheus-rules.yaml").read_text())
    return [r["expr"] for g in rules["spec"]["groups"] for r in g["rules"]]


def exported_samples(text: str) -> set[str]:
    """Sample names in an exposition, including those of families with no child yet."""
    names = set()
    for line in text.splitlines():
        if match := TYPE_LINE.match(line):
            family, kind = match[1], match[2]
            # A family without samples yet is typed under its sample name (x_total).
            names.add(family)
            names.update(f"{family}{suffix}" for suffix in SUFFIXES.get(kind, ("",)))
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_the_name_parser_reads_promql() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket"
        '{route!~"/events|/ws"}[5m]))) > 1 and on(job) up == 1'
    )
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "up"}


def test_every_panel_and_rule_metric_is_exported(running_platform: Any) -> None:
    exported: set[str] = set()
    for service in SERVICES:
        response = httpx.get(running_platform.metrics_url(service), timeout=10)
        assert response.status_code == 200, service
        exported |= exported_samples(response.text)
    wanted = {name for expr in dashboard_exprs() + rule_exprs() for name in metric_names(expr)}
    assert len(wanted) >= 10, wanted  # the parser found the queries' metrics
    missing = wanted - exported
    assert not missing, f"named by a panel or rule but exported by no service: {sorted(missing)}"
