"""The `resize` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import field_validator, model_validator

from platform_common.transform_spec.framing import Focus, Gravity, check_focus
from platform_common.transform_spec.operations.base import (
    Colour,
    Dimension,
    Fit,
    FramedOperation,
    ObjectFormEntry,
)
from platform_common.transform_spec.operations.registry import register


@register
class Resize(FramedOperation):
    """Scale to a box. `inside` keeps the aspect ratio within the box; `cover` fills it and crops
    the overflow where `gravity` says (centre by default); `contain` fits inside and pads with
    `background`; `fill` stretches."""

    op: Literal["resize"] = "resize"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "resize", rank=30, schema={"type": "object", "description": "{width, height, fit, ...}"}
    )
    width: Dimension | None = None
    height: Dimension | None = None
    fit: Fit = "inside"
    background: Colour = "#000000"
    upscale: bool = False
    gravity: Gravity | None = None
    focus: Focus | None = None

    @field_validator("gravity")
    @classmethod
    def _centre_is_the_default(cls, gravity: str | None) -> str | None:
        # "center" is what cover always did: one meaning, one canonical form.
        return None if gravity == "center" else gravity

    @model_validator(mode="after")
    def _needs_a_size(self) -> "Resize":
        if self.width is None and self.height is None:
            raise ValueError("resize needs a width, a height, or both")
        if self.gravity is not None and self.fit != "cover":
            raise ValueError(f'resize gravity applies to fit "cover" only, not "{self.fit}"')
        check_focus(self.gravity, self.focus, "resize")
        return self
