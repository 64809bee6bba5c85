"""What a delivery URL's options ask for, gathered before it becomes a transform spec.

Repeating an option overrides the earlier value, as in imgproxy.
"""

from dataclasses import dataclass, field
from typing import Any

from platform_common.delivery.url import DeliveryUrlError


class OptionError(DeliveryUrlError):
    """An unknown or malformed processing option: 400, naming it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(400, "invalid_option", f"Processing option {option!r}: {message}")
        self.option = option


@dataclass(frozen=True, slots=True)
class Gravity:
    """One of the agreed spec gravities ("center", "north", ..., "smart", "focus")."""

    name: str
    focus_x: float | None = None
    focus_y: float | None = None

    def spec_fields(self) -> dict[str, Any]:
        """The Resize/Crop fields; center is the default and stays implicit (same address)."""
        if self.name == "center":
            return {}
        fields: dict[str, Any] = {"gravity": self.name}
        if self.name == "focus":
            fields["focus"] = {"x": self.focus_x, "y": self.focus_y}
        return fields


@dataclass(frozen=True, slots=True)
class CropBox:
    width: int  # 0 = the source's full width
    height: int
    gravity: Gravity | None


@dataclass
class DeliveryOptions:
    resizing_type: str = "fit"
    width: int = 0
    height: int = 0
    enlarge: bool = False
    extend: bool = False
    gravity: Gravity | None = None
    crop: CropBox | None = None
    dpr: float = 1.0
    rotate: int = 0
    flip_horizontal: bool = False
    flip_vertical: bool = False
    blur: float = 0.0
    sharpen: float = 0.0
    brightness: int = 0
    contrast: float | None = None
    grayscale: bool = False
    sepia: bool = False
    style: str | None = None
    watermarks: list[dict[str, Any]] = field(default_factory=list)
    quality: int = 0
    format: str | None = None
    background: str | None = None
    strip_metadata: bool | None = None
    expires: int | None = None
    presets: list[str] = field(default_factory=list)
