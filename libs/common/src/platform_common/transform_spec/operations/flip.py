"""The `flip` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    SWITCH,
    ObjectFormEntry,
    Operation,
)
from platform_common.transform_spec.operations.registry import register


@register
class Flip(Operation):
    """Upside down (about the horizontal axis)."""

    op: Literal["flip"] = "flip"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry("flip", rank=50, schema=SWITCH)
