"""S3 access for images: originals and variants, streamed both ways, presigned URLs, listing.

Through the platform's signed client (platform_common.s3_client), not boto3: a file is PUT
streamed from its spool in the caller's thread (boto3's default transfer held up to ten 8 MB
multipart parts per upload in memory), and the process does not carry boto3's model (~19 MB).
"""

from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO

from platform_common.s3_client import ObjectStream, S3Unavailable, SignedS3Client

# What S3 being unreachable or failing looks like to callers.
STORAGE_ERRORS = (S3Unavailable,)
OpenedObject = ObjectStream  # an object being read: its size, then its bytes in chunks


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    content_type: str | None = None
    last_modified: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True)
class ObjectPage:
    objects: list[StoredObject]
    next_cursor: str | None


class ObjectTooLarge(Exception):
    """Downloading stopped: the object is bigger than the caller allows."""


class ObjectStorage:
    def __init__(self, objects: SignedS3Client) -> None:
        self.objects = objects

    def put(self, key: str, source: BinaryIO, content_type: str, metadata: dict[str, str]) -> None:
        headers = {"Content-Type": content_type}
        headers |= {f"x-amz-meta-{name}": value for name, value in metadata.items()}
        self.objects.put(key, source, headers)

    def head(self, key: str) -> StoredObject | None:
        headers = self.objects.head(key)
        if headers is None:
            return None
        modified = headers.get("last-modified")
        return StoredObject(
            key=key,
            size=int(headers.get("content-length", 0)),
            content_type=headers.get("content-type"),
            last_modified=parsedate_to_datetime(modified) if modified else None,
            etag=headers.get("etag"),
        )

    def download(self, key: str, target: BinaryIO, max_bytes: int) -> int:
        """Stream an object into `target`, refusing more than `max_bytes`; returns the size."""
        opened = self.objects.stream(key)
        if opened is None:
            raise S3Unavailable(f"the object {key} is gone")
        written = 0
        with closing(opened.chunks()) as chunks:  # closed early: the connection is released
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise ObjectTooLarge(key)
                target.write(chunk)
        target.seek(0)
        return written

    def open(self, key: str) -> OpenedObject | None:
        """Start reading an object (None when missing); the caller iterates its chunks."""
        return self.objects.stream(key)

    def read(self, key: str) -> bytes | None:
        """A small object's bytes, whole (None when missing): one call, no chunking."""
        return self.objects.get(key)

    def delete(self, keys: Iterable[str]) -> None:
        self.objects.delete(list(keys))

    def delete_prefix(self, prefix: str) -> int:
        """Delete every object under a prefix; returns how many were deleted."""
        keys = list(self.objects.keys(prefix))
        self.objects.delete(keys)
        return len(keys)

    def presigned_put(
        self, key: str, content_type: str, content_length: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A PUT URL whose signature covers the content type and exact length."""
        headers = {"Content-Type": content_type, "Content-Length": str(content_length)}
        return self.objects.presign("PUT", key, expires_in, headers=headers), headers

    def presigned_get(self, key: str, expires_in: int, content_type: str | None = None) -> str:
        query = {"response-content-type": content_type} if content_type else None
        return self.objects.presign("GET", key, expires_in, query=query)

    def list_page(self, prefix: str, limit: int, cursor: str | None) -> ObjectPage:
        page = self.objects.list(prefix, limit, cursor)
        objects = [
            StoredObject(item.key, item.size, last_modified=item.last_modified, etag=item.etag)
            for item in page.objects
        ]
        return ObjectPage(objects, page.next_cursor)
