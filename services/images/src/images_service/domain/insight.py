"""What an upload shows about itself, read once at upload and stored with the image.

GPS is the one private part: it is kept apart (`gps`) so every way out but the owner's own view of
one image drops it (see `public_view`).
"""

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class GpsPosition:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PaletteColour:
    hex: str  # "#rrggbb"
    share: float  # of the image's pixels, 0..1


@dataclass(frozen=True)
class ImageInsight:
    frames: int
    has_alpha: bool
    icc_description: str | None = None
    camera: str | None = None  # make and model, e.g. "Canon EOS 5D"
    lens: str | None = None
    taken_at: str | None = None  # ISO 8601 as the camera wrote it (with its offset when known)
    orientation: int | None = None  # the EXIF orientation tag, 1..8
    gps: GpsPosition | None = None
    palette: tuple[PaletteColour, ...] = field(default_factory=tuple)
    placeholder: str | None = None  # a blurhash

    def public_view(self) -> "ImageInsight":
        """The insight without GPS: for listings, admin views and anything shared."""
        return replace(self, gps=None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ImageInsight":
        gps = data.get("gps")
        return cls(
            **{
                **data,
                "gps": GpsPosition(**gps) if gps else None,
                "palette": tuple(PaletteColour(**colour) for colour in data.get("palette", ())),
            }
        )
