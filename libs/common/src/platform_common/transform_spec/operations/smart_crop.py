"""The `smart_crop` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    Dimension,
    Interesting,
    ObjectFormEntry,
    Operation,
)
from platform_common.transform_spec.operations.registry import register


@register
class SmartCrop(Operation):
    op: Literal["smart_crop"] = "smart_crop"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "smart_crop", rank=20, schema={"type": "object", "description": "{width, height} in pixels"}
    )
    width: Dimension
    height: Dimension
    interesting: Interesting = "attention"
