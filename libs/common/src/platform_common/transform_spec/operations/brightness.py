"""The `brightness` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register


@register
class Brightness(Operation):
    """Multiply brightness: 1 keeps, 0.5 halves, 2 doubles."""

    op: Literal["brightness"] = "brightness"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "brightness",
        rank=90,
        is_filter=True,
        scalar="factor",
        schema=scalar_or_object({"type": "number", "minimum": 0, "maximum": 5}, "Factor, 1 keeps"),
    )
    factor: float = Field(ge=0.0, le=5.0)
