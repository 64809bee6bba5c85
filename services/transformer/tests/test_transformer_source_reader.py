"""The pool processes read their sources from the real S3 of the devstack with a signed GET of
their own (not boto3): the bytes come back exactly, failures are classified as the handler
expects, and a render by reference still refuses bytes that are not the verified upload."""

import hashlib
import uuid
from collections.abc import Iterator

import pytest
import pyvips

from platform_common.s3 import make_s3_client
from platform_common.settings import S3Settings
from platform_common.transform_spec import TransformSpec
from transformer_service.adapters.pipeline_pool import PipelinePool
from transformer_service.adapters.pool_worker import WorkerStorage
from transformer_service.adapters.source_reader import SourceReader
from transformer_service.domain.errors import (
    SourceChecksumMismatch,
    SourceNotFound,
    StorageUnavailable,
)
from transformer_service.domain.render_task import RenderTask

RESIZE = TransformSpec.model_validate(
    {"operations": [{"op": "resize", "width": 120}], "output": {"format": "webp"}}
)


@pytest.fixture(scope="module")
def settings(stack) -> S3Settings:
    return S3Settings(**{k.lower(): v for k, v in stack.env().items() if k.startswith("S3_")})


@pytest.fixture(scope="module")
def put(settings):
    client = make_s3_client(settings)
    prefix = f"reader-{uuid.uuid4().hex[:8]}"

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
        assert SourceReader(settings, settings.s3_bucket).read(put(name, data)) == data


def test_a_missing_object_is_source_not_found(settings) -> None:
    with pytest.raises(SourceNotFound):
        SourceReader(settings, settings.s3_bucket).read(f"nothing-here-{uuid.uuid4().hex}")


def test_refused_or_unreachable_storage_is_transient(settings, put) -> None:
    key = put("small.bin", b"abc")
    wrong_secret = settings.model_copy(update={"s3_secret_access_key": "not-the-secret"})
    with pytest.raises(StorageUnavailable):
        SourceReader(wrong_secret, settings.s3_bucket).read(key)
    with pytest.raises(StorageUnavailable):
        SourceReader(settings, f"no-bucket-{uuid.uuid4().hex[:8]}").read(key)
    nowhere = settings.model_copy(update={"s3_endpoint_url": "http://127.0.0.1:9"})
    with pytest.raises(StorageUnavailable):
        SourceReader(nowhere, settings.s3_bucket).read(key)


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
