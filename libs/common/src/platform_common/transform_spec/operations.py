"""The operations a transform spec may contain: one small pydantic model per `op`.

Bounds live here so the images API rejects a bad request with a message naming the field, and the
transformer can trust every value it executes. Defaults are explicit so two specs that mean the
same thing serialise to the same canonical JSON (and so the same content address).
"""

import re
import uuid
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from platform_common.transform_spec.framing import Focus, Gravity, check_focus, drop_unset_framing
from platform_common.transform_spec.styles import ArtStyle, StyleMethod

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


class Operation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FramedOperation(Operation):
    """An operation with an optional gravity/focus, left out of its JSON when unused."""

    @model_serializer(mode="wrap")
    def _serialise(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, object]:
        return drop_unset_framing(handler(self))


class Resize(FramedOperation):
    """Scale to a box. `inside` keeps the aspect ratio within the box; `cover` fills it and crops
    the overflow where `gravity` says (centre by default); `contain` fits inside and pads with
    `background`; `fill` stretches."""

    op: Literal["resize"] = "resize"
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


class Crop(FramedOperation):
    """A width x height window, placed by explicit `x`/`y` offsets or by a `gravity`."""

    op: Literal["crop"] = "crop"
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


class SmartCrop(Operation):
    op: Literal["smart_crop"] = "smart_crop"
    width: Dimension
    height: Dimension
    interesting: Interesting = "attention"


class Rotate(Operation):
    """Multiples of 90 are lossless; any other angle expands the canvas filled with `background`."""

    op: Literal["rotate"] = "rotate"
    angle: float = Field(ge=-360, le=360)
    background: Colour = "#000000"

    @field_validator("angle")
    @classmethod
    def _normalise_angle(cls, angle: float) -> float:
        # -90 and 270 are the same rotation: one canonical form, one content address.
        return float(round(angle % 360, 3) % 360)


class Flip(Operation):
    """Upside down (about the horizontal axis)."""

    op: Literal["flip"] = "flip"


class Mirror(Operation):
    """Left-right (about the vertical axis)."""

    op: Literal["mirror"] = "mirror"


class WatermarkText(Operation):
    op: Literal["watermark_text"] = "watermark_text"
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


class WatermarkImage(Operation):
    """Overlay another of the owner's images; `scale` is its width as a fraction of the base."""

    op: Literal["watermark_image"] = "watermark_image"
    image_id: uuid.UUID
    opacity: Opacity = 0.5
    position: Position = "bottom_right"
    scale: float = Field(default=0.25, gt=0.0, le=1.0)
    margin: int = Field(default=16, ge=0, le=MAX_DIMENSION)


class Grayscale(Operation):
    op: Literal["grayscale"] = "grayscale"


class Sepia(Operation):
    op: Literal["sepia"] = "sepia"


class Blur(Operation):
    op: Literal["blur"] = "blur"
    sigma: float = Field(default=2.0, ge=0.3, le=50.0)


class Sharpen(Operation):
    op: Literal["sharpen"] = "sharpen"
    sigma: float = Field(default=1.0, ge=0.3, le=10.0)


class Brightness(Operation):
    """Multiply brightness: 1 keeps, 0.5 halves, 2 doubles."""

    op: Literal["brightness"] = "brightness"
    factor: float = Field(ge=0.0, le=5.0)


class Contrast(Operation):
    """Stretch around mid-grey: 1 keeps, 0 flattens to grey, 2 doubles the contrast."""

    op: Literal["contrast"] = "contrast"
    factor: float = Field(ge=0.0, le=5.0)


class Sketch(Operation):
    """Render the photo in an art style (see styles.STYLE_DESCRIPTIONS) by one of three methods.
    pencil, charcoal and ink give a one-band grey drawing; the painting styles keep colour."""

    op: Literal["sketch"] = "sketch"
    style: ArtStyle = "pencil"
    method: StyleMethod = "basic"


AnyOperation = Annotated[
    Resize
    | Crop
    | SmartCrop
    | Rotate
    | Flip
    | Mirror
    | WatermarkText
    | WatermarkImage
    | Grayscale
    | Sepia
    | Blur
    | Sharpen
    | Brightness
    | Contrast
    | Sketch,
    Field(discriminator="op"),
]
