"""Response and request bodies of the images API (the OpenAPI at /docs is built from these)."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from images_service.domain.delivery import Preset, SigningKey
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation
from images_service.entrypoints.api.insight_schemas import ImageInsightPublic
from platform_common.transformation_shape import (
    TransformationError,
    TransformationResult,
    transformation_links,
)


class TransformationPublic(BaseModel):
    id: uuid.UUID
    image_id: uuid.UUID
    status: str
    spec: dict[str, Any]
    etag: str
    result: TransformationResult | None
    error: TransformationError | None
    attempts: int
    created_at: datetime
    updated_at: datetime
    links: dict[str, str]

    @classmethod
    def of(cls, t: Transformation) -> "TransformationPublic":
        result = None
        if t.is_ready and t.result_format is not None:
            result = TransformationResult(
                format=t.result_format,
                width=t.result_width or 0,
                height=t.result_height or 0,
                bytes=t.result_bytes or 0,
            )
        error = (
            TransformationError(code=t.error_code, message=t.error_message)
            if t.error_code
            else None
        )
        return cls(
            id=t.id,
            image_id=t.image_id,
            status=t.status,
            spec=json.loads(t.spec),
            etag=t.etag,
            result=result,
            error=error,
            attempts=t.attempts,
            created_at=t.created_at,
            updated_at=t.updated_at,
            links=transformation_links(t.image_id, t.id),
        )


class ImagePublic(BaseModel):
    id: uuid.UUID
    owner_id: uuid.UUID
    filename: str | None
    content_type: str
    format: str
    size_bytes: int
    width: int
    height: int
    checksum_sha256: str
    created_at: datetime
    url: str = Field(description="Where the original's bytes are served")
    links: dict[str, str]
    transformations: list[TransformationPublic] | None = None
    insight: ImageInsightPublic | None = Field(
        default=None,
        description="What the upload showed about itself: EXIF subset, palette, placeholder, "
        "frames, alpha, ICC profile (null for images uploaded before it was computed)",
    )
    delivery: "DeliveryUrls | None" = Field(
        default=None,
        description="Signed public URLs, when asked for with `signed_presets` (see the README)",
    )

    @classmethod
    def of(
        cls,
        image: Image,
        transformations: Sequence[Transformation] | None = None,
        with_gps: bool = False,
    ) -> "ImagePublic":
        """`with_gps` only for the owner's own view of this one image (details, upload answer)."""
        base = f"/images/{image.id}"
        return cls(
            id=image.id,
            owner_id=image.owner_id,
            filename=image.original_filename,
            content_type=image.content_type,
            format=image.format,
            size_bytes=image.size_bytes,
            width=image.width,
            height=image.height,
            checksum_sha256=image.checksum_sha256,
            created_at=image.created_at,
            url=f"{base}/content",
            links={"self": base, "content": f"{base}/content", "transform": f"{base}/transform"},
            transformations=(
                None
                if transformations is None
                else [TransformationPublic.of(t) for t in transformations]
            ),
            insight=(
                None if image.insight is None else ImageInsightPublic.of(image.insight, with_gps)
            ),
        )


class ImagePage(BaseModel):
    items: list[ImagePublic]
    total: int
    page: int
    limit: int
    pages: int


class DeletionAccepted(BaseModel):
    """A deletion that will finish on its own: the image is already gone from the API."""

    id: uuid.UUID
    status: str = Field(description="`deleting` until its files are removed")


class DirectUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is refused, not ignored

    filename: str | None = Field(
        default=None, max_length=255, description="Kept with the image, up to 255 characters"
    )
    content_type: str = Field(
        examples=["image/jpeg"], max_length=100, description="The media type the PUT will send"
    )
    size_bytes: int = Field(ge=1, description="Exact size in bytes of the file that will be PUT")


class DirectUploadTicket(BaseModel):
    id: uuid.UUID
    upload_url: str
    method: str = "PUT"
    headers: dict[str, str] = Field(description="Send exactly these headers with the PUT")
    expires_at: datetime
    max_bytes: int
    complete_url: str


class StoredObjectPublic(BaseModel):
    key: str
    size: int
    last_modified: datetime | None
    etag: str | None


class StoredObjectPage(BaseModel):
    items: list[StoredObjectPublic]
    next_cursor: str | None


class DeliveryUrls(BaseModel):
    original: str = Field(description="The original (re-encoded, metadata stripped)")
    presets: dict[str, str] = Field(description="One URL per preset named in `signed_presets`")


class SigningKeyPublic(BaseModel):
    id: uuid.UUID
    created_at: datetime

    @classmethod
    def of(cls, key: SigningKey) -> "SigningKeyPublic":
        return cls(id=key.id, created_at=key.created_at)


class SigningKeyCreated(SigningKeyPublic):
    key: str = Field(description="Hex key (IMGPROXY_KEY); shown only in this answer")
    salt: str = Field(description="Hex salt (IMGPROXY_SALT); shown only in this answer")

    @classmethod
    def of(cls, key: SigningKey) -> "SigningKeyCreated":
        return cls(id=key.id, created_at=key.created_at, key=key.key, salt=key.salt)


class PresetPublic(BaseModel):
    name: str
    spec: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, preset: Preset) -> "PresetPublic":
        return cls(
            name=preset.name,
            spec=json.loads(preset.spec),
            created_at=preset.created_at,
            updated_at=preset.updated_at,
        )


class PresetReference(BaseModel):
    """`{"preset": "thumb"}`: a transform request that names one of your presets."""

    model_config = {"extra": "forbid"}

    preset: str = Field(max_length=64)


class CompleteUploadRequest(BaseModel):
    presets: list[str] = Field(
        default_factory=list, max_length=20, description="Presets to make at once (eager variants)"
    )


class DeliveryUrlRequest(BaseModel):
    model_config = {"extra": "forbid"}

    options: str | None = Field(
        default=None,
        max_length=2000,
        examples=["rs:fill:300:200/q:80"],
        description="imgproxy processing options, separated by '/'",
    )
    preset: str | None = Field(default=None, max_length=64)
    extension: str | None = Field(default=None, max_length=8, examples=["webp"])
    expires_in: int | None = Field(default=None, ge=1, description="Seconds the URL stays valid")


class DeliveryUrlPublic(BaseModel):
    url: str
    expires_at: datetime | None


ImagePublic.model_rebuild()
