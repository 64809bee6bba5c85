"""S3 access for the worker, with failures classified as the domain understands them:
a missing source is permanent, an unreachable store is transient (retried with backoff)."""

import asyncio
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from platform_common.s3 import is_missing
from transformer_service.adapters.signed_s3 import SignedS3Client
from transformer_service.domain.errors import StorageUnavailable
from transformer_service.domain.variant import StoredVariant


def _unavailable(exc: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"object storage is unavailable: {type(exc).__name__}")


class ObjectStore:
    """Blocking calls run in threads so the event loop (and Kafka heartbeats) never wait.

    Whole objects are read and written with `objects` (one signed GET or PUT, see signed_s3,
    the same client as the pool processes read with: the write follows every render, and
    boto3's put_object was the largest piece of the parent's own CPU per render); HEAD and the
    bucket check go through the boto3 `client`.
    """

    def __init__(self, client: Any, objects: SignedS3Client) -> None:
        self.client = client
        self.objects = objects
        self.bucket = objects.bucket

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self.read, key)

    async def variant(self, key: str) -> StoredVariant | None:
        """The stored result at a content address, or None if it is not there yet."""
        return await asyncio.to_thread(self._variant, key)

    async def put_variant(
        self, key: str, data: bytes, media_type: str, variant: StoredVariant
    ) -> None:
        await asyncio.to_thread(self._put, key, data, media_type, variant)

    async def ping(self) -> None:
        await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)

    def read(self, key: str) -> bytes:
        """Blocking: the body of `get`."""
        return self.objects.read(key)

    def _variant(self, key: str) -> StoredVariant | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if is_missing(exc):
                return None
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc
        meta = head.get("Metadata", {})
        try:
            return StoredVariant(
                meta["format"], int(meta["width"]), int(meta["height"]), head["ContentLength"]
            )
        except (KeyError, ValueError):
            return None  # written by something else: produce it again (same bytes, same key)

    def _put(self, key: str, data: bytes, media_type: str, variant: StoredVariant) -> None:
        metadata = {
            "format": variant.format,
            "width": str(variant.width),
            "height": str(variant.height),
        }
        self.objects.write(key, data, media_type, "private, max-age=31536000, immutable", metadata)
