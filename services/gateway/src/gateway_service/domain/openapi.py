"""One OpenAPI document for the whole platform: the gateway's own plus what it routes upstream."""

import copy
from typing import Any

from gateway_service.domain.routes import Upstream, routed_by
from platform_common.openapi import add_errors_to_every_operation

Schema = dict[str, Any]
_REF_PREFIX = "#/components/"
# What the edge itself can answer for any route: its rate limits, and an upstream that is down
# or too slow.
EDGE_ERRORS = (429, 503, 504)


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: renames.get(value, value) if key == "$ref" else _rewrite_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _component_renames(components: Schema, incoming: Schema, prefix: str) -> dict[str, str]:
    """Same-named but different components get the service's prefix so neither hides the other."""
    renames = {}
    for section, entries in incoming.items():
        existing = components.get(section, {})
        for name, value in entries.items():
            if name in existing and existing[name] != value:
                old = f"{_REF_PREFIX}{section}/{name}"
                renames[old] = f"{_REF_PREFIX}{section}/{prefix}{name}"
    return renames


def merge_openapi(base: Schema, services: dict[Upstream, Schema]) -> Schema:
    merged = copy.deepcopy(base)
    paths = merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    tags = {t["name"]: t for t in merged.get("tags", [])}
    for upstream, schema in services.items():
        prefix = f"{upstream.value.capitalize()}"
        renames = _component_renames(components, schema.get("components", {}), prefix)
        schema = _rewrite_refs(schema, renames)
        for section, entries in schema.get("components", {}).items():
            target = components.setdefault(section, {})
            for name, value in entries.items():
                renamed = renames.get(f"{_REF_PREFIX}{section}/{name}")
                target[renamed.rsplit("/", 1)[1] if renamed else name] = value
        # Only what the gateway routes: each service's own /health, /metrics stay internal.
        for path, item in schema.get("paths", {}).items():
            if routed_by(upstream, path):
                paths[path] = item
        for tag in schema.get("tags", []):
            tags.setdefault(tag["name"], tag)
    if tags:
        merged["tags"] = list(tags.values())
    add_errors_to_every_operation(merged, EDGE_ERRORS)
    return merged
