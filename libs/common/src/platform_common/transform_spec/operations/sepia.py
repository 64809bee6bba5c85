"""The `sepia` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    SWITCH,
    ObjectFormEntry,
    Operation,
)
from platform_common.transform_spec.operations.registry import register


@register
class Sepia(Operation):
    op: Literal["sepia"] = "sepia"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "sepia", rank=80, is_filter=True, schema=SWITCH
    )
