"""S3 access for images: originals and variants, streamed both ways, presigned URLs, listing."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from platform_common.s3 import delete_prefix, is_missing

STREAM_CHUNK_BYTES = 64 * 1024
# One PUT streamed from the spooled file, in the caller's thread: by default boto3 switches to
# multipart at 8 MB and holds up to ten 8 MB parts in memory per upload, on threads of its own.
# Uploads are bounded (MAX_UPLOAD_BYTES) far below S3's 5 GB single-PUT limit.
SINGLE_PUT = TransferConfig(multipart_threshold=4 * 1024**3, use_threads=False)
# What S3 being unreachable or failing looks like to callers.
STORAGE_ERRORS = (BotoCoreError, ClientError)


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


class OpenedObject:
    """An object being read: its size, then its bytes in chunks (closed when exhausted)."""

    def __init__(self, body: Any, size: int) -> None:
        self.body = body
        self.size = size

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.body.iter_chunks(STREAM_CHUNK_BYTES)
        finally:
            self.body.close()


class ObjectTooLarge(Exception):
    """Downloading stopped: the object is bigger than the caller allows."""


class ObjectStorage:
    def __init__(self, client: Any, bucket: str, public_client: Any | None = None) -> None:
        self.client = client
        self.bucket = bucket
        # Presigned URLs are signed for the host clients reach (may differ from ours).
        self.public_client = public_client or client

    def put(self, key: str, source: BinaryIO, content_type: str, metadata: dict[str, str]) -> None:
        source.seek(0)
        self.client.upload_fileobj(
            source,
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type, "Metadata": metadata},
            Config=SINGLE_PUT,
        )

    def head(self, key: str) -> StoredObject | None:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if is_missing(exc):
                return None
            raise
        return StoredObject(
            key=key,
            size=int(response["ContentLength"]),
            content_type=response.get("ContentType"),
            last_modified=response.get("LastModified"),
            etag=response.get("ETag"),
        )

    def download(self, key: str, target: BinaryIO, max_bytes: int) -> int:
        """Stream an object into `target`, refusing more than `max_bytes`; returns the size."""
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        written = 0
        try:
            for chunk in body.iter_chunks(STREAM_CHUNK_BYTES):
                written += len(chunk)
                if written > max_bytes:
                    raise ObjectTooLarge(key)
                target.write(chunk)
        finally:
            body.close()
        target.seek(0)
        return written

    def open(self, key: str) -> "OpenedObject | None":
        """Start reading an object (None when missing); the caller iterates its chunks."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if is_missing(exc):
                return None
            raise
        return OpenedObject(response["Body"], int(response["ContentLength"]))

    def read(self, key: str) -> bytes | None:
        """A small object's bytes, whole (None when missing): one call, no chunking."""
        opened = self.open(key)
        if opened is None:
            return None
        try:
            data: bytes = opened.body.read()
        finally:
            opened.body.close()
        return data

    def delete(self, keys: Iterable[str]) -> None:
        batch = [{"Key": key} for key in dict.fromkeys(keys)]
        for start in range(0, len(batch), 1000):  # the S3 API's per-call limit
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True}
            )

    def delete_prefix(self, prefix: str) -> int:
        return delete_prefix(self.client, self.bucket, prefix)

    def presigned_put(
        self, key: str, content_type: str, content_length: int, expires_in: int
    ) -> tuple[str, dict[str, str]]:
        """A PUT URL whose signature covers the content type and exact length."""
        url = self.public_client.generate_presigned_url(
            "put_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ContentType": content_type,
                "ContentLength": content_length,
            },
            ExpiresIn=expires_in,
        )
        return url, {"Content-Type": content_type, "Content-Length": str(content_length)}

    def presigned_get(self, key: str, expires_in: int, content_type: str | None = None) -> str:
        params = {"Bucket": self.bucket, "Key": key}
        if content_type:
            params["ResponseContentType"] = content_type
        url: str = self.public_client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_in
        )
        return url

    def list_page(self, prefix: str, limit: int, cursor: str | None) -> ObjectPage:
        params: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": limit}
        if cursor:
            params["ContinuationToken"] = cursor
        response = self.client.list_objects_v2(**params)
        objects = [
            StoredObject(
                key=item["Key"],
                size=int(item["Size"]),
                last_modified=item.get("LastModified"),
                etag=item.get("ETag"),
            )
            for item in response.get("Contents", [])
        ]
        next_cursor = response.get("NextContinuationToken") if response.get("IsTruncated") else None
        return ObjectPage(objects, next_cursor)

    def keys(self, prefix: str) -> Sequence[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        return [
            item["Key"]
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]
