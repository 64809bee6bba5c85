"""(c) The real S3 server: put, get, and a presigned GET fetched with plain httpx."""

import uuid

import httpx


def test_an_object_is_put_read_back_and_served_by_a_presigned_url(s3_client, s3_settings):
    key = f"devstack/{uuid.uuid4().hex}.txt"
    s3_client.put_object(Bucket=s3_settings.bucket, Key=key, Body=b"pixels")

    got = s3_client.get_object(Bucket=s3_settings.bucket, Key=key)
    assert got["Body"].read() == b"pixels"

    url = s3_client.generate_presigned_url(
        "get_object", Params={"Bucket": s3_settings.bucket, "Key": key}, ExpiresIn=60
    )
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == b"pixels"


def test_anonymous_requests_are_refused(s3_client, s3_settings):
    key = f"devstack/{uuid.uuid4().hex}.txt"
    s3_client.put_object(Bucket=s3_settings.bucket, Key=key, Body=b"private")

    response = httpx.get(f"{s3_settings.endpoint_url}/{s3_settings.bucket}/{key}")
    assert response.status_code == 403
