"""Looking straight into the stack's S3 bucket, to prove what the API says about storage."""

from typing import Any

from platform_common.s3 import make_s3_client
from platform_common.settings import S3Settings


def s3_client(env: dict[str, str]) -> Any:
    s3_env = {name.lower(): value for name, value in env.items() if name.startswith("S3_")}
    return make_s3_client(S3Settings.model_validate(s3_env))


def keys_under(client: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(obj["Key"] for obj in page.get("Contents", []))
    return keys
