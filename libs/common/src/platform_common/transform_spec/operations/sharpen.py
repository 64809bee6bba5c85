"""The `sharpen` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register


@register
class Sharpen(Operation):
    op: Literal["sharpen"] = "sharpen"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "sharpen",
        rank=120,
        is_filter=True,
        scalar="sigma",
        schema=scalar_or_object(
            {"type": "number", "minimum": 0.3, "maximum": 10}, "Sigma in pixels"
        ),
    )
    sigma: float = Field(default=1.0, ge=0.3, le=10.0)
