"""An uploaded original: immutable bytes in S3 plus the metadata read from them."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from images_service.domain.insight import ImageInsight


class ImageStatus(StrEnum):
    AVAILABLE = "available"
    # The row stays (hidden) until its S3 objects are gone, so a crash mid-delete is resumable.
    DELETING = "deleting"


@dataclass(eq=False)
class Image:
    id: uuid.UUID
    owner_id: uuid.UUID
    original_filename: str | None
    content_type: str
    format: str
    size_bytes: int
    width: int
    height: int
    checksum_sha256: str
    s3_key: str
    created_at: datetime
    status: str = ImageStatus.AVAILABLE
    # None only for images uploaded before insight existed.
    insight: ImageInsight | None = None

    @staticmethod
    def original_key(owner_id: uuid.UUID, image_id: uuid.UUID) -> str:
        return f"originals/{owner_id}/{image_id}"

    @property
    def is_available(self) -> bool:
        return self.status == ImageStatus.AVAILABLE

    @property
    def etag(self) -> str:
        # The bytes behind an id never change, so their checksum is a strong validator.
        return f'"{self.checksum_sha256}"'

    def mark_deleting(self) -> None:
        self.status = ImageStatus.DELETING
