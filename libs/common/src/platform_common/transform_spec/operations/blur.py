"""The `blur` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register


@register
class Blur(Operation):
    op: Literal["blur"] = "blur"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "blur",
        rank=110,
        is_filter=True,
        scalar="sigma",
        schema=scalar_or_object(
            {"type": "number", "minimum": 0.3, "maximum": 50}, "Sigma in pixels"
        ),
    )
    sigma: float = Field(default=2.0, ge=0.3, le=50.0)
