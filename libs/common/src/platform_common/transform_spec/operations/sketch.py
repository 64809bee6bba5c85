"""The `sketch` operation: its fields, bounds and place in the object form."""

from typing import ClassVar, Literal

from platform_common.transform_spec.operations.base import (
    ObjectFormEntry,
    Operation,
    scalar_or_object,
)
from platform_common.transform_spec.operations.registry import register
from platform_common.transform_spec.styles import ArtStyle, StyleMethod


@register
class Sketch(Operation):
    """Render the photo in an art style (see styles.STYLE_DESCRIPTIONS) by one of three methods.
    pencil, charcoal and ink give a one-band grey drawing; the painting styles keep colour."""

    op: Literal["sketch"] = "sketch"
    object_form: ClassVar[ObjectFormEntry | None] = ObjectFormEntry(
        "sketch",
        rank=130,
        is_filter=True,
        scalar="style",
        schema=scalar_or_object({"type": "string"}, "Style, e.g. pencil"),
    )
    style: ArtStyle = "pencil"
    method: StyleMethod = "basic"
