"""A requested variant of an image and its status lifecycle.

pending -> processing -> succeeded | failed, never backwards: status events arrive at least once
and may be redelivered or overtaken, so each transition only moves forward. A late success after
a failure is accepted (the result object exists, so it is the more useful truth); nothing moves a
finished transformation back to pending/processing except an explicit retry by the owner.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from platform_common.transform_spec import variant_etag


class TransformationStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


_RANK = {"pending": 0, "processing": 1, "failed": 2, "succeeded": 3}


@dataclass(frozen=True)
class VariantResult:
    """What the transformer stored under the variant key."""

    format: str
    width: int
    height: int
    bytes: int


@dataclass(eq=False)
class Transformation:
    id: uuid.UUID
    image_id: uuid.UUID
    spec: str  # canonical JSON of the normalised spec
    variant_key: str  # content address of the result: its S3 key
    created_at: datetime
    updated_at: datetime
    last_requested_at: datetime
    status: str = TransformationStatus.PENDING
    result_format: str | None = None
    result_width: int | None = None
    result_height: int | None = None
    result_bytes: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 0

    @property
    def is_ready(self) -> bool:
        return self.status == TransformationStatus.SUCCEEDED

    @property
    def is_finished(self) -> bool:
        return self.status in (TransformationStatus.SUCCEEDED, TransformationStatus.FAILED)

    def _advance(self, status: TransformationStatus, at: datetime) -> bool:
        if _RANK[status] <= _RANK[self.status]:
            return False
        self.status = status
        self.updated_at = at
        return True

    def mark_processing(self, attempt: int, at: datetime) -> bool:
        self.attempts = max(self.attempts, attempt)
        return self._advance(TransformationStatus.PROCESSING, at)

    def mark_succeeded(self, result: VariantResult, at: datetime) -> bool:
        if not self._advance(TransformationStatus.SUCCEEDED, at):
            return False
        self.result_format = result.format
        self.result_width = result.width
        self.result_height = result.height
        self.result_bytes = result.bytes
        self.error_code = self.error_message = None
        return True

    def mark_failed(self, code: str, message: str, at: datetime) -> bool:
        if not self._advance(TransformationStatus.FAILED, at):
            return False
        self.error_code = code
        self.error_message = message
        return True

    def retry(self, at: datetime) -> None:
        """The owner asked again for a variant that failed: start over (a new request event)."""
        self.status = TransformationStatus.PENDING
        self.error_code = self.error_message = None
        self.updated_at = self.last_requested_at = at

    def touch(self, at: datetime, resolution: timedelta = timedelta(hours=1)) -> bool:
        """Remember a request for retention; coarse, so reads rarely turn into writes."""
        if at - self.last_requested_at < resolution:
            return False
        self.last_requested_at = at
        return True

    @property
    def etag(self) -> str:
        # The variant key is a content address (hash of source + spec): a strong validator.
        return variant_etag(self.variant_key)
