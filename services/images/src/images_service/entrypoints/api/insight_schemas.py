"""The public shape of an image's insight (computed once at upload)."""

from pydantic import BaseModel, Field

from images_service.domain.insight import ImageInsight


class GpsPublic(BaseModel):
    latitude: float = Field(description="Degrees, north positive")
    longitude: float = Field(description="Degrees, east positive")


class PaletteColourPublic(BaseModel):
    hex: str = Field(examples=["#3a5f8c"], description="An sRGB colour, #rrggbb")
    share: float = Field(ge=0, le=1, description="Its share of the image's pixels")


class ImageInsightPublic(BaseModel):
    frames: int = Field(description="Frames (pages) in the file: 1 for a still image")
    has_alpha: bool = Field(description="Whether the image has an alpha (transparency) band")
    icc_description: str | None = Field(description="The embedded ICC profile's description")
    camera: str | None = Field(description="EXIF make and model")
    lens: str | None = Field(description="EXIF lens make and model")
    taken_at: str | None = Field(description="EXIF date taken, ISO 8601 (with its offset if known)")
    orientation: int | None = Field(description="EXIF orientation tag, 1 to 8")
    gps: GpsPublic | None = Field(
        default=None,
        description="EXIF position. Only in the owner's own view of one image (its details and "
        "its upload's answer); never in listings, shared URLs, webhooks or rendered variants",
    )
    palette: list[PaletteColourPublic] = Field(
        description="Up to 5 dominant colours (median cut of a small copy), largest share first"
    )
    placeholder: str | None = Field(
        description="A BlurHash (4x3 components) to paint while the image loads"
    )

    @classmethod
    def of(cls, insight: ImageInsight, with_gps: bool) -> "ImageInsightPublic":
        shown = insight if with_gps else insight.public_view()
        return cls.model_validate(shown, from_attributes=True)
