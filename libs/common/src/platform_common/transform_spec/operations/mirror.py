"""The `mirror` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    SWITCH,
    ObjectFormEntry,
    Operation,
)
from platform_common.transform_spec.operations.registry import register


@register
class Mirror(Operation):
    """Left-right (about the vertical axis)."""

    op: Literal["mirror"] = "mirror"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "mirror", rank=60, schema=SWITCH
    )
