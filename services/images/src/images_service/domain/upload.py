"""A presigned direct upload: the client PUTs to S3 itself, then asks us to register the object."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(eq=False)
class Upload:
    id: uuid.UUID  # becomes the image id once completed
    owner_id: uuid.UUID
    s3_key: str
    filename: str | None
    content_type: str
    size_bytes: int  # declared by the client and bound into the presigned URL
    expires_at: datetime
    created_at: datetime
    completed_at: datetime | None = None

    @staticmethod
    def staging_key(owner_id: uuid.UUID, upload_id: uuid.UUID) -> str:
        """Where the client's presigned PUT lands: never read as the image itself."""
        return f"uploads/{owner_id}/{upload_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None

    def is_expired(self, now: datetime) -> bool:
        return not self.is_completed and now >= self.expires_at

    def is_abandoned(self, now: datetime, grace: timedelta) -> bool:
        """Expired long enough ago that no in-flight PUT can still land: safe to clean up."""
        return now >= self.expires_at + grace

    def complete(self, now: datetime) -> None:
        self.completed_at = now
