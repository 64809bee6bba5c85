"""boto3 S3 client for MinIO/SeaweedFS/AWS: path-style addressing, endpoint from settings.

The services talk to S3 with their own light client (s3_client.py); this one is for the tests
and benchmarks that inspect what the services stored, through an independent client."""

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from platform_common.s3_client import CONNECT_TIMEOUT, READ_TIMEOUT
from platform_common.settings import S3Settings


def make_s3_client(settings: S3Settings, *, public: bool = False) -> Any:
    """A client; `public=True` signs URLs for the address clients see (presigned URLs)."""
    endpoint = (settings.s3_public_endpoint_url if public else "") or settings.s3_endpoint_url
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
        region_name=settings.s3_region,
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            max_pool_connections=32,
        ),
    )


def ensure_bucket(client: Any, bucket: str) -> None:
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        client.create_bucket(Bucket=bucket)


def is_missing(error: ClientError) -> bool:
    """The object is not there (S3 says NoSuchKey on GET, a bare 404 on HEAD)."""
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def object_exists(client: Any, bucket: str, key: str) -> bool:
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if is_missing(exc):
            return False
        raise
    return True


def delete_prefix(client: Any, bucket: str, prefix: str) -> int:
    """Delete every object under a prefix; returns how many were deleted."""
    deleted = 0
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted
