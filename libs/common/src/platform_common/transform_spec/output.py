"""Output options: the encoded format and how it is compressed."""

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

OutputFormat = Literal["jpeg", "png", "webp", "avif", "gif", "tiff"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)

MEDIA_TYPES: dict[str, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "avif": "image/avif",
    "gif": "image/gif",
    "tiff": "image/tiff",
}
FORMAT_ALIASES: dict[str, str] = {
    "jpg": "jpeg",
    "tif": "tiff",
    **{media_type: name for name, media_type in MEDIA_TYPES.items()},
    "image/jpg": "jpeg",
}
# Formats that hold several frames, so an animated source stays animated.
ANIMATED_FORMATS = frozenset({"gif", "webp"})


def normalise_format(value: str) -> str:
    """'JPG', 'image/jpeg', 'jpeg' -> 'jpeg'; anything unknown is returned lowercased."""
    lowered = value.strip().lower()
    return FORMAT_ALIASES.get(lowered, lowered)


class OutputOptions(BaseModel):
    """How the result is encoded. `format=None` keeps the source's format (jpeg when the source's
    format cannot be written). `quality` applies to the lossy encoders (jpeg, webp, avif, tiff)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: OutputFormat | None = None
    quality: int = Field(default=80, ge=1, le=100)
    png_compression: int = Field(default=6, ge=0, le=9)
    png_palette: bool = False
    lossless: bool = False
    strip_metadata: bool = True
    keep_icc: bool = True

    @field_validator("format", mode="before")
    @classmethod
    def _alias(cls, value: object) -> object:
        return normalise_format(value) if isinstance(value, str) else value

    def resolve_format(self, source_format: str | None) -> OutputFormat:
        """The concrete format written for a source of `source_format`."""
        if self.format:
            return self.format
        source = normalise_format(source_format or "")
        return next((known for known in OUTPUT_FORMATS if known == source), "jpeg")
