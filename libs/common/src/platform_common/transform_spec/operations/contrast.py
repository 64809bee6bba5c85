"""The `contrast` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register


@register
class Contrast(Operation):
    """Stretch around mid-grey: 1 keeps, 0 flattens to grey, 2 doubles the contrast."""

    op: Literal["contrast"] = "contrast"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "contrast",
        rank=100,
        is_filter=True,
        scalar="factor",
        schema=scalar_or_object({"type": "number", "minimum": 0, "maximum": 5}, "Factor, 1 keeps"),
    )
    factor: float = Field(ge=0.0, le=5.0)
