"""The roadmap.sh-style object form, normalised into the ordered operation list.

    {"transformations": {"resize": {"width": 800}, "crop": {...}, "rotate": 90,
                         "format": "webp", "filters": {"grayscale": true}}}

An object has no order, so the order is fixed here, chosen so each step means what a person
expects: crop and smart_crop first (their coordinates refer to the original photo), then resize,
rotate, flip, mirror, then the filters (grayscale, sepia, brightness, contrast, blur, sharpen,
sketch), and watermarks last (so the mark itself is never rotated, blurred or sketched).
Boolean switches that are false are simply absent. Unknown keys are refused by name.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

from platform_common.transform_spec.operations import OPERATIONS
from platform_common.transform_spec.operations.base import scalar_or_object

# Derived from the operations' own entries (see operations.base.ObjectFormEntry): one per key,
# in the order the object form applies them.
_ENTRIES = {
    entry.key: entry
    for entry in sorted(
        (model.object_form for model in OPERATIONS.values() if model.object_form),
        key=lambda entry: entry.rank,
    )
}
OBJECT_FORM_ORDER = tuple(_ENTRIES)
OPERATION_KEYS = frozenset(key for key, entry in _ENTRIES.items() if not entry.is_filter)
FILTER_KEYS = frozenset(key for key, entry in _ENTRIES.items() if entry.is_filter)
OUTPUT_KEYS = frozenset({"format", "quality", "compress", "output"})
# The scalar shorthand for operations with one main parameter: "rotate": 90, "blur": 2, ...
SCALAR_FIELD = {key: entry.scalar for key, entry in _ENTRIES.items() if entry.scalar}


def _as_operation(name: str, value: Any) -> list[dict[str, Any]]:
    if value is False or value is None:
        return []
    if name == "watermark":
        return [_watermark(item) for item in (value if isinstance(value, list) else [value])]
    if value is True:
        return [{"op": name}]
    if isinstance(value, dict):
        return [{"op": name, **value}]
    if name in SCALAR_FIELD:
        return [{"op": name, SCALAR_FIELD[name]: value}]
    raise ValueError(f"transformations.{name} must be an object or true")


def _watermark(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return {"op": "watermark_text", "text": value}
    if not isinstance(value, dict):
        raise ValueError("transformations.watermark must be text, an object or a list of them")
    kind = "watermark_image" if "image_id" in value else "watermark_text"
    return {"op": kind, **value}


def _output(transformations: dict[str, Any]) -> dict[str, Any]:
    given = transformations.get("output") or {}
    if not isinstance(given, dict):
        raise ValueError('transformations.output must be an object such as {"format": "webp"}')
    output: dict[str, Any] = dict(given)
    compress = transformations.get("compress")
    if isinstance(compress, dict):
        output.update(compress)
    elif compress is not None:
        output["quality"] = compress
    for key in ("format", "quality"):
        if key in transformations:
            output[key] = transformations[key]
    return output


def normalise_object_form(transformations: Any) -> dict[str, Any]:
    """{"resize": ..., "filters": {...}, "format": ...} -> {"operations": [...], "output": ...}."""
    if not isinstance(transformations, dict):
        raise ValueError('transformations must be an object such as {"resize": {"width": 800}}')
    filters = transformations.get("filters") or {}
    if not isinstance(filters, dict):
        raise ValueError('transformations.filters must be an object such as {"grayscale": true}')
    unknown = set(transformations) - OPERATION_KEYS - OUTPUT_KEYS - {"filters"}
    unknown |= {f"filters.{name}" for name in set(filters) - FILTER_KEYS}
    if unknown:
        allowed = sorted(OPERATION_KEYS | OUTPUT_KEYS | {"filters"})
        raise ValueError(
            f"unknown transformation {', '.join(sorted(unknown))}; expected {', '.join(allowed)}"
            f" (filters: {', '.join(sorted(FILTER_KEYS))})"
        )
    steps = {**{k: v for k, v in transformations.items() if k in OPERATION_KEYS}, **filters}
    operations: list[dict[str, Any]] = []
    for name in OBJECT_FORM_ORDER:
        if name in steps:
            operations.extend(_as_operation(name, steps[name]))
    return {"operations": operations, "output": _output(transformations)}


# The object form as documented in the OpenAPI schema: the same operations as the ordered form,
# keyed by name, applied in the fixed order described on TransformSpec.
OBJECT_FORM_SCHEMA: dict[str, Any] = {
    "title": "Object form",
    "type": "object",
    "required": ["transformations"],
    "additionalProperties": False,
    "properties": {
        "transformations": {
            "type": "object",
            "additionalProperties": False,
            "description": "Each key is an operation (its fields as in the ordered form, no `op`)",
            "properties": {
                **{key: e.schema for key, e in _ENTRIES.items() if not e.is_filter},
                "filters": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {key: e.schema for key, e in _ENTRIES.items() if e.is_filter},
                },
                "format": {"type": "string", "description": "Output format: jpeg, png, webp..."},
                "quality": {"type": "integer", "minimum": 1, "maximum": 100},
                "compress": scalar_or_object(
                    {"type": "integer", "minimum": 1, "maximum": 100}, "Quality, or output options"
                ),
                "output": {
                    "type": "object",
                    "description": "Output options, as in the ordered form",
                },
            },
        }
    },
}


class TransformObjectForm(BaseModel):
    """The object form, for the OpenAPI document only: TransformSpec validates and normalises it
    (normalise_object_form above). Its schema is OBJECT_FORM_SCHEMA."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _replace(schema, OBJECT_FORM_SCHEMA))

    transformations: dict[str, Any]


def _replace(schema: dict[str, Any], replacement: dict[str, Any]) -> None:
    schema.clear()
    schema.update(replacement)
