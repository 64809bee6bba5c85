"""What every operation module shares: the base model, field types, colours, and the entry that
places an operation in the object form.

Bounds live with each operation so the images API rejects a bad request with a message naming the
field, and the transformer can trust every value it executes. Defaults are explicit so two specs
that mean the same thing serialise to the same canonical JSON (and so the same content address).
"""

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from platform_common.transform_spec.framing import drop_unset_framing

MAX_DIMENSION = 10_000
MAX_OFFSET = 100_000
MAX_TEXT_LENGTH = 200

Fit = Literal["cover", "contain", "fill", "inside"]
Position = Literal[
    "top_left",
    "top",
    "top_right",
    "left",
    "center",
    "right",
    "bottom_left",
    "bottom",
    "bottom_right",
]
Interesting = Literal["attention", "entropy"]

NAMED_COLOURS = {
    "black": "#000000",
    "white": "#ffffff",
    "gray": "#808080",
    "grey": "#808080",
    "red": "#ff0000",
    "green": "#00ff00",
    "blue": "#0000ff",
    "transparent": "#00000000",
}
_HEX_COLOUR = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$")


def normalise_colour(value: str) -> str:
    """'#FFF', 'fff', 'white', '#ffffffff' -> '#ffffff'; keeps alpha only when not opaque."""
    lowered = NAMED_COLOURS.get(value.strip().lower(), value.strip().lower())
    match = _HEX_COLOUR.match(lowered)
    if not match:
        raise ValueError(
            "colour must be #rgb, #rrggbb, #rrggbbaa or one of " + ", ".join(NAMED_COLOURS)
        )
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 8 and digits.endswith("ff"):
        digits = digits[:6]
    return "#" + digits


def colour_rgba(value: str) -> tuple[int, int, int, int]:
    """A normalised colour as (r, g, b, a) in 0..255."""
    digits = normalise_colour(value)[1:]
    alpha = int(digits[6:8], 16) if len(digits) == 8 else 255
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha


Colour = Annotated[str, AfterValidator(normalise_colour)]
Dimension = Annotated[int, Field(ge=1, le=MAX_DIMENSION)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Opacity = Annotated[float, Field(ge=0.0, le=1.0)]


@dataclass(frozen=True)
class ObjectFormEntry:
    """Where an operation sits in the object form (`{"transformations": {...}}`)."""

    key: str  # its key there ("watermark" for both watermarks)
    rank: int  # the fixed order the object form applies operations in, lowest first
    is_filter: bool = False  # under "filters"
    scalar: str | None = None  # the field a bare value sets: "rotate": 90
    schema: dict[str, Any] = field(default_factory=dict)  # its OpenAPI description


def scalar_or_object(scalar: dict[str, Any], what: str) -> dict[str, Any]:
    return {"anyOf": [scalar, {"type": "object"}], "description": what}


SWITCH = {"type": "boolean", "description": "true applies it; false or absent does not"}
WATERMARK_ENTRY = ObjectFormEntry(
    "watermark",
    rank=1000,  # last, so the mark itself is never rotated, blurred or sketched
    schema={
        "anyOf": [
            {"type": "string", "minLength": 1},
            {"type": "object"},
            {"type": "array", "items": {"type": "object"}},
        ],
        "description": "Text, or {text, ...} / {image_id, ...}, or a list of them",
    },
)


class Operation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # None: only in the ordered form.
    object_form: ClassVar[ObjectFormEntry | None] = None


class FramedOperation(Operation):
    """An operation with an optional gravity/focus, left out of its JSON when unused."""

    @model_serializer(mode="wrap")
    def _serialise(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, object]:
        return drop_unset_framing(handler(self))
