"""The `watermark_image` operation: its fields, bounds and place in the object form."""

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    MAX_DIMENSION,
    WATERMARK_ENTRY,
    ObjectFormEntry,
    Opacity,
    Operation,
    Position,
)
from platform_common.transform_spec.operations.registry import register


@register
class WatermarkImage(Operation):
    """Overlay another of the owner's images; `scale` is its width as a fraction of the base."""

    op: Literal["watermark_image"] = "watermark_image"
    object_form: ClassVar[ObjectFormEntry | None] = WATERMARK_ENTRY
    image_id: uuid.UUID
    opacity: Opacity = 0.5
    position: Position = "bottom_right"
    scale: float = Field(default=0.25, gt=0.0, le=1.0)
    margin: int = Field(default=16, ge=0, le=MAX_DIMENSION)
