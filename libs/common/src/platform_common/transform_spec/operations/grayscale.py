"""The `grayscale` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    SWITCH,
    ObjectFormEntry,
    Operation,
)
from platform_common.transform_spec.operations.registry import register


@register
class Grayscale(Operation):
    op: Literal["grayscale"] = "grayscale"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "grayscale", rank=70, is_filter=True, schema=SWITCH
    )
