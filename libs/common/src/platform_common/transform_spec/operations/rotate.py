"""The `rotate` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from platform_common.transform_spec.operations.base import (
    Colour,
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register


@register
class Rotate(Operation):
    """Multiples of 90 are lossless; any other angle expands the canvas filled with `background`."""

    op: Literal["rotate"] = "rotate"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "rotate",
        rank=40,
        scalar="angle",
        schema=scalar_or_object(
            {"type": "number", "minimum": -360, "maximum": 360}, "Degrees clockwise"
        ),
    )
    angle: float = Field(ge=-360, le=360)
    background: Colour = "#000000"

    @field_validator("angle")
    @classmethod
    def _normalise_angle(cls, angle: float) -> float:
        # -90 and 270 are the same rotation: one canonical form, one content address.
        return float(round(angle % 360, 3) % 360)
