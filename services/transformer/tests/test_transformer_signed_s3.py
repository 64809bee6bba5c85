"""The pool processes read their sources, and the parent writes its variants, with the
platform's signed S3 client (not boto3), against the real S3 of the devstack: the bytes come
back exactly, a variant's headers and metadata read back through boto3, failures are classified
as the handler expects, and a render by reference still refuses bytes that are not the verified
upload."""

import hashlib
import uuid
from collections.abc import Iterator

import pytest
import pyvips

from platform_common.s3 import make_s3_client
from platform_common.s3_client import SignedS3Client
from platform_common.settings import S3Settings
from platform_common.transform_spec import TransformSpec
from transformer_service.adapters.pipeline_pool import PipelinePool
from transformer_service.adapters.pool_worker import WorkerStorage
from transformer_service.adapters.storage import IMMUTABLE, ObjectStore, read_source
from transformer_service.domain.errors import (
    SourceChecksumMismatch,
    SourceNotFound,
    StorageUnavailable,
)
from transformer_service.domain.render_task import RenderTask
from transformer_service.domain.variant import StoredVariant

RESIZE = TransformSpec.model_validate(
    {"operations": [{"op": "resize", "width": 120}], "output": {"format": "webp"}}
)


@pytest.fixture(scope="module")
def settings(stack) -> S3Settings:
    return S3Settings(**{k.lower(): v for k, v in stack.env().items() if k.startswith("S3_")})


@pytest.fixture(scope="module")
def client(settings):
    return make_s3_client(settings)


@pytest.fixture(scope="module")
def prefix() -> str:
    return f"signed-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def put(settings, client, prefix):

    def put_object(name: str, data: bytes) -> str:
        key = f"{prefix}/{name}"
        client.put_object(Bucket=settings.s3_bucket, Key=key, Body=data)
        return key

    return put_object


@pytest.fixture(scope="module")
def pool(settings) -> Iterator[PipelinePool]:
    storage = WorkerStorage(settings, settings.s3_bucket)
    pool = PipelinePool(1, 1, timeout=30, jobs_per_process=100, storage=storage)
    pool.warm_up()
    yield pool
    pool.close()


def test_reads_the_whole_object_exactly(settings, put, photo) -> None:
    data = photo("astronaut.png")
    # Keys with characters the signature and the path must encode alike.
    for name in ("photo.png", "with space+plus=equals ü.png"):
        assert read_source(SignedS3Client(settings, settings.s3_bucket), put(name, data)) == data


def test_a_missing_object_is_source_not_found(settings) -> None:
    with pytest.raises(SourceNotFound):
        read_source(SignedS3Client(settings, settings.s3_bucket), f"nothing-{uuid.uuid4().hex}")


def test_refused_or_unreachable_storage_is_transient(settings, put) -> None:
    key = put("small.bin", b"abc")
    wrong_secret = settings.model_copy(update={"s3_secret_access_key": "not-the-secret"})
    nowhere = settings.model_copy(update={"s3_endpoint_url": "http://127.0.0.1:9"})
    no_bucket = f"no-bucket-{uuid.uuid4().hex[:8]}"
    for refused in (
        SignedS3Client(wrong_secret, settings.s3_bucket),
        SignedS3Client(settings, no_bucket),
        SignedS3Client(nowhere, settings.s3_bucket),
    ):
        with pytest.raises(StorageUnavailable):
            read_source(refused, key)


METADATA = {"format": "webp", "width": "120", "height": "80"}


async def test_a_written_variant_reads_back_through_boto3(settings, client, prefix, photo) -> None:
    data = photo("astronaut.png")
    store = ObjectStore(SignedS3Client(settings, settings.s3_bucket, connections=4))
    # Keys with characters the signature and the path must encode alike.
    for name in ("variant.webp", "with space+plus=equals ü%25 é.webp"):
        key = f"{prefix}/{name}"
        await store.put_variant(key, data, "image/webp", StoredVariant("webp", 120, 80, len(data)))
        head = client.head_object(Bucket=settings.s3_bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"], head["Metadata"]) == (
            "image/webp",
            IMMUTABLE,
            METADATA,
        )
        body = client.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
        assert body == data
        assert await store.get(key) == data


async def test_the_store_finds_the_variant_it_wrote(settings, prefix) -> None:
    store = ObjectStore(SignedS3Client(settings, settings.s3_bucket, connections=4))
    key = f"{prefix}/stored+variant ü.avif"
    written = StoredVariant("avif", 640, 480, 5)
    await store.put_variant(key, b"bytes", "image/avif", written)
    assert await store.variant(key) == written
    assert await store.get(key) == b"bytes"  # as the one-hop render serves a stored variant
    with pytest.raises(SourceNotFound):
        await store.get(f"{prefix}/never-written.avif")


async def test_a_refused_or_unreachable_store_is_transient(settings, prefix) -> None:
    # (A PUT into a missing bucket is no failure to test here: SeaweedFS creates the bucket.)
    key = f"{prefix}/refused.webp"
    wrong_secret = settings.model_copy(update={"s3_secret_access_key": "not-the-secret"})
    nowhere = settings.model_copy(update={"s3_endpoint_url": "http://127.0.0.1:9"})
    for refused in (wrong_secret, nowhere):
        store = ObjectStore(SignedS3Client(refused, settings.s3_bucket))
        with pytest.raises(StorageUnavailable):
            await store.put_variant(key, b"a", "image/webp", StoredVariant("webp", 1, 1, 1))
        with pytest.raises(StorageUnavailable):
            await store.variant(key)
        with pytest.raises(StorageUnavailable):
            await store.ping()


async def test_the_pool_renders_what_it_reads_and_only_verified_bytes(pool, put, photo) -> None:
    data = photo("coffee.png")
    key = put("coffee.png", data)
    checksum = hashlib.sha256(data).hexdigest()
    rendered = await pool.render(RenderTask("img", key, checksum, RESIZE, "webp"))
    assert (rendered.width, pyvips.Image.new_from_buffer(rendered.data, "").width) == (120, 120)
    with pytest.raises(SourceChecksumMismatch):
        await pool.render(
            RenderTask("img", key, hashlib.sha256(b"other").hexdigest(), RESIZE, "webp")
        )
