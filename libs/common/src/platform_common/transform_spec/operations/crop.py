"""The `crop` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import model_validator

from platform_common.transform_spec.framing import Focus, Gravity, check_focus
from platform_common.transform_spec.operations.base import (
    Dimension,
    FramedOperation,
    ObjectFormEntry,
    Offset,
)
from platform_common.transform_spec.operations.registry import register


@register
class Crop(FramedOperation):
    """A width x height window, placed by explicit `x`/`y` offsets or by a `gravity`."""

    op: Literal["crop"] = "crop"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "crop", rank=10, schema={"type": "object", "description": "{x, y, width, height} in pixels"}
    )
    x: Offset = 0
    y: Offset = 0
    width: Dimension
    height: Dimension
    gravity: Gravity | None = None
    focus: Focus | None = None

    @model_validator(mode="after")
    def _offsets_or_gravity(self) -> "Crop":
        if self.gravity is not None and (self.x or self.y):
            raise ValueError("crop takes either x/y offsets or a gravity, not both")
        check_focus(self.gravity, self.focus, "crop")
        return self
