"""S3 access for the worker, with failures classified as the domain understands them:
a missing source is permanent, an unreachable store is transient (retried with backoff)."""

import asyncio

from platform_common.s3_client import S3Unavailable, SignedS3Client
from transformer_service.domain.errors import SourceNotFound, StorageUnavailable
from transformer_service.domain.variant import StoredVariant

IMMUTABLE = "private, max-age=31536000, immutable"


def read_source(objects: SignedS3Client, key: str) -> bytes:
    """Blocking: the whole object at `key`, as the parent and the pool processes read it."""
    try:
        data = objects.get(key)
    except S3Unavailable as exc:
        raise StorageUnavailable(f"object storage is unavailable: {exc}") from exc
    if data is None:
        raise SourceNotFound(f"the source object {key} does not exist")
    return data


class ObjectStore:
    """Blocking calls run in threads so the event loop (and Kafka heartbeats) never wait.

    One signed client (platform_common.s3_client) for every call, the same as the pool
    processes read their sources with: the write follows every render, and boto3's put_object
    was the largest piece of the parent's own CPU per render.
    """

    def __init__(self, objects: SignedS3Client) -> None:
        self.objects = objects

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(read_source, self.objects, key)

    async def variant(self, key: str) -> StoredVariant | None:
        """The stored result at a content address, or None if it is not there yet."""
        return await asyncio.to_thread(self._variant, key)

    async def put_variant(
        self, key: str, data: bytes, media_type: str, variant: StoredVariant
    ) -> None:
        await asyncio.to_thread(self._put, key, data, media_type, variant)

    async def ping(self) -> None:
        try:
            await asyncio.to_thread(self.objects.check_bucket)
        except S3Unavailable as exc:
            raise StorageUnavailable(f"object storage is unavailable: {exc}") from exc

    def _variant(self, key: str) -> StoredVariant | None:
        try:
            head = self.objects.head(key)
        except S3Unavailable as exc:
            raise StorageUnavailable(f"object storage is unavailable: {exc}") from exc
        if head is None:
            return None
        try:
            return StoredVariant(
                head["x-amz-meta-format"],
                int(head["x-amz-meta-width"]),
                int(head["x-amz-meta-height"]),
                int(head["content-length"]),
            )
        except (KeyError, ValueError):
            return None  # written by something else: produce it again (same bytes, same key)

    def _put(self, key: str, data: bytes, media_type: str, variant: StoredVariant) -> None:
        headers = {
            "Content-Type": media_type,
            "Cache-Control": IMMUTABLE,
            "x-amz-meta-format": variant.format,
            "x-amz-meta-width": str(variant.width),
            "x-amz-meta-height": str(variant.height),
        }
        try:
            self.objects.put(key, data, headers)
        except S3Unavailable as exc:
            raise StorageUnavailable(f"object storage is unavailable: {exc}") from exc
