"""The services' S3 client against the devstack's real S3, checked through boto3 (an
independent client): what it writes reads back with its headers and metadata, listings page
and batch deletes take awkward keys, presigned URLs allow exactly what they sign, and a
refused or unreachable store is S3Unavailable, never a missing object."""

import io
import uuid
from functools import partial

import httpx
import pytest

from platform_common.s3 import make_s3_client
from platform_common.s3_client import S3Unavailable, SignedS3Client
from platform_common.settings import S3Settings

# Characters the signature, the path and the XML documents must all encode alike.
AWKWARD = "with space+plus=equals &amp ü%25 é.png"


@pytest.fixture(scope="module")
def settings(stack) -> S3Settings:
    return S3Settings(**{k.lower(): v for k, v in stack.env().items() if k.startswith("S3_")})


@pytest.fixture(scope="module")
def boto(settings):
    return make_s3_client(settings)


@pytest.fixture
def client(settings) -> SignedS3Client:
    client = SignedS3Client(settings, settings.s3_bucket, connections=2)
    client.ensure_bucket()
    return client


@pytest.fixture
def prefix() -> str:
    return f"s3-client-{uuid.uuid4().hex[:8]}/"


def test_a_streamed_file_reads_back_with_its_headers(client, boto, settings, prefix) -> None:
    data = bytes(range(256)) * 1000  # several stream chunks
    key = prefix + AWKWARD
    client.put(key, io.BytesIO(data), {"Content-Type": "image/png", "x-amz-meta-sha256": "abc"})

    stored = boto.head_object(Bucket=settings.s3_bucket, Key=key)
    assert (stored["ContentLength"], stored["ContentType"], stored["Metadata"]) == (
        len(data),
        "image/png",
        {"sha256": "abc"},
    )
    head = client.head(key)
    assert head is not None and int(head["content-length"]) == len(data)
    assert client.get(key) == data
    opened = client.stream(key)
    assert opened is not None and opened.size == len(data)
    assert len(chunks := list(opened.chunks())) > 1 and b"".join(chunks) == data


def test_a_missing_object_is_none(client, prefix) -> None:
    key = prefix + "never-written"
    assert (client.get(key), client.stream(key), client.head(key)) == (None, None, None)


def test_a_stream_stopped_early_leaves_the_connection_usable(client, prefix) -> None:
    key = prefix + "big.bin"
    client.put(key, b"x" * 1_000_000, {})
    opened = client.stream(key)
    assert opened is not None
    chunks = opened.chunks()
    next(chunks)
    chunks.close()  # as a download refused for its size, or a client gone mid-response
    for _ in range(3):  # the pool holds 2 connections: every one is reused here
        assert client.get(key) == b"x" * 1_000_000


def test_listing_pages_through_and_a_batch_delete_removes_exactly_the_keys(
    client, boto, settings, prefix
) -> None:
    names = sorted([AWKWARD, "a.png", "b <tag>.png", "c.png", "d/e.png"])
    for name in names:
        client.put(prefix + name, b"bytes", {})
    client.put(prefix.rstrip("/") + "-other/kept.png", b"bytes", {})

    first = client.list(prefix, limit=2)
    assert [item.key for item in first.objects] == [prefix + n for n in names[:2]]
    assert first.next_cursor is not None and first.objects[0].size == 5
    assert first.objects[0].last_modified is not None
    assert list(client.keys(prefix)) == [prefix + n for n in names]

    client.delete([prefix + n for n in names] + [prefix + "never-written"])
    assert client.list(prefix).objects == []
    left = boto.list_objects_v2(Bucket=settings.s3_bucket, Prefix=prefix.rstrip("/"))
    assert [item["Key"] for item in left["Contents"]] == [prefix.rstrip("/") + "-other/kept.png"]


def test_a_presigned_put_allows_only_what_it_signs(client, boto, settings, prefix) -> None:
    key = prefix + AWKWARD
    headers = {"Content-Type": "image/png", "Content-Length": "5"}
    url = client.presign("PUT", key, 60, headers=headers)
    other_type = {"Content-Type": "image/jpeg"}
    assert httpx.put(url, content=b"other", headers=other_type).status_code == 403
    assert httpx.put(url, content=b"bytes", headers=headers).status_code == 200
    body = boto.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
    assert body == b"bytes"

    read = client.presign("GET", key, 60, query={"response-content-type": "image/webp"})
    answer = httpx.get(read)
    assert (answer.status_code, answer.content) == (200, b"bytes")
    assert answer.headers["content-type"] == "image/webp"
    assert httpx.get(read.replace("X-Amz-Signature=", "X-Amz-Signature=0")).status_code == 403


def test_a_refused_or_unreachable_store_is_unavailable(settings, client, prefix) -> None:
    key = prefix + "kept.bin"
    client.put(key, b"bytes", {})
    wrong_secret = settings.model_copy(update={"s3_secret_access_key": "not-the-secret"})
    nowhere = settings.model_copy(update={"s3_endpoint_url": "http://127.0.0.1:9"})
    for refused in (wrong_secret, nowhere):
        other = SignedS3Client(refused, settings.s3_bucket)
        calls = (
            partial(other.get, key),
            partial(other.stream, key),
            partial(other.head, key),
            partial(other.put, key, b"overwritten", {}),
            partial(other.list, prefix),
            partial(other.delete, [key]),
            other.check_bucket,
        )
        for call in calls:
            with pytest.raises(S3Unavailable):
                call()
    assert client.get(key) == b"bytes"
    with pytest.raises(S3Unavailable):
        SignedS3Client(settings, f"no-bucket-{uuid.uuid4().hex[:8]}").check_bucket()
