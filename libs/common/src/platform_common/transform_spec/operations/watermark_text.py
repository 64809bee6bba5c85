"""The `watermark_text` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from platform_common.transform_spec.operations.base import (
    MAX_DIMENSION,
    MAX_TEXT_LENGTH,
    WATERMARK_ENTRY,
    Colour,
    ObjectFormEntry,
    Opacity,
    Operation,
    Position,
)
from platform_common.transform_spec.operations.registry import register


@register
class WatermarkText(Operation):
    op: Literal["watermark_text"] = "watermark_text"
    object_form: ClassVar[ObjectFormEntry | None] = WATERMARK_ENTRY
    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)
    font_size: int = Field(default=32, ge=6, le=1000)
    color: Colour = "#ffffff"
    opacity: Opacity = 0.5
    position: Position = "bottom_right"
    margin: int = Field(default=16, ge=0, le=MAX_DIMENSION)

    @field_validator("text")
    @classmethod
    def _printable(cls, text: str) -> str:
        if not text.strip() or any(ord(c) < 32 and c not in "\n" for c in text):
            raise ValueError("text must be printable and not blank")
        return text
