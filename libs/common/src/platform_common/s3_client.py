"""The services' S3 client: each call one request signed with botocore's SigV4 signer and sent on
urllib3's kept-alive connections, path-style as every client of the platform.

Why not boto3's client in the services: it spends about 3 ms of Python per call (event hooks,
the request and response models, endpoint ruleset resolution), on a platform whose hot paths
are one GET or PUT of a whole object, and its S3 model and s3transfer hold about 19 MB in every
process that makes one (measured: images went from 144 to 125 MB at rest). The calls the
services need are few and plain: whole or streamed GET, HEAD, PUT of bytes or a file, batch
delete, a listing page, presigned URLs and the bucket check. Tests and benchmarks still inspect
S3 with boto3 (`platform_common.s3`), which keeps this client honest against another one.

Missing objects are None; anything else that is not the answer (unreachable, refused, 5xx after
the retries) raises S3Unavailable, which each service maps to its own error.
"""

import hashlib
from base64 import b64encode
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import BinaryIO
from urllib.parse import quote, urlsplit

import urllib3
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from platform_common.s3_xml import ListedPage, delete_errors, delete_request, listed_page
from platform_common.settings import S3Settings

# Seconds to connect to S3 and to wait for its next bytes, for every client of the platform.
CONNECT_TIMEOUT, READ_TIMEOUT = 5, 30
STREAM_CHUNK_BYTES = 64 * 1024
# As boto3's "standard" mode (3 attempts): a dropped connection or a 5xx once more, after a
# short pause. Every call here is idempotent: reads, a PUT of the same bytes to the same key, a
# delete of the same keys.
RETRIES = urllib3.Retry(
    total=2,
    backoff_factor=0.05,
    status_forcelist=(500, 502, 503, 504),
    allowed_methods={"GET", "HEAD", "PUT", "POST", "DELETE"},
    raise_on_status=False,
)
DELETE_BATCH = 1000  # the S3 API's per-call limit


class S3Unavailable(Exception):
    """S3 could not be reached, or refused the call."""


def _query(params: Mapping[str, str]) -> str:
    # SigV4's encoding, which the signer reads back from the URL as it is.
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params.items())


class SignedS3Client:
    """One bucket. `connections` is how many requests may be in flight at once (more are still
    sent, on a connection closed afterwards): 1 in a pool process, which runs one job at a time.
    """

    def __init__(self, settings: S3Settings, bucket: str, *, connections: int = 1) -> None:
        self.endpoint = settings.s3_endpoint_url.rstrip("/")
        # Presigned URLs are signed for the address clients reach (it may differ from ours).
        self.public_endpoint = (settings.s3_public_endpoint_url or self.endpoint).rstrip("/")
        self.bucket = bucket
        self.credentials = Credentials(settings.s3_access_key_id, settings.s3_secret_access_key)
        self.region = settings.s3_region
        self.http = urllib3.connection_from_url(
            self.endpoint,
            maxsize=connections,
            block=False,
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
            retries=RETRIES,
        )
        self.path_prefix = urlsplit(self.endpoint).path  # an endpoint may sit under a path

    def get(self, key: str) -> bytes | None:
        """The whole object at `key`, or None when there is none."""
        response = self.send("GET", self._path(key))
        if _missing(response.status, response.data):
            return None
        _expect_success(response.status)
        return response.data

    def stream(self, key: str) -> "ObjectStream | None":
        """Start reading the object at `key` (None when there is none)."""
        response = self.send("GET", self._path(key), stream=True)
        if response.status != 200:
            error = response.read()  # the short error document
            response.release_conn()
            if _missing(response.status, error):
                return None
            _expect_success(response.status)
        return ObjectStream(response)

    def head(self, key: str) -> Mapping[str, str] | None:
        """The object's headers (x-amz-meta-* hold its metadata), or None when there is none."""
        response = self.send("HEAD", self._path(key))
        if response.status == 404:
            return None
        _expect_success(response.status)
        return response.headers

    def put(self, key: str, body: bytes | BinaryIO, headers: Mapping[str, str]) -> None:
        """Store `body` at `key`. A file is read from its start in chunks, twice (hashed for the
        signature, then sent), never whole into memory."""
        sent = {**headers, "Content-Length": str(_length(body))}
        _expect_success(self.send("PUT", self._path(key), body, sent).status)

    def delete(self, keys: Sequence[str]) -> None:
        """Delete the objects at `keys` (missing ones are no error)."""
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), DELETE_BATCH):
            body = delete_request(unique[start : start + DELETE_BATCH])
            md5 = b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()
            response = self.send("POST", self._bucket_path("delete="), body, {"Content-MD5": md5})
            _expect_success(response.status)
            failed = delete_errors(response.data)
            if failed:
                raise S3Unavailable(f"S3 kept {len(failed)} objects: {failed[0]}")

    def list(self, prefix: str, limit: int = 1000, cursor: str | None = None) -> ListedPage:
        """One page of the objects under `prefix`, in key order; `cursor` continues a listing."""
        params = {"list-type": "2", "max-keys": str(limit), "prefix": prefix}
        if cursor:
            params["continuation-token"] = cursor
        response = self.send("GET", self._bucket_path(_query(params)))
        _expect_success(response.status)
        return listed_page(response.data)

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix`."""
        cursor: str | None = None
        while True:
            page = self.list(prefix, cursor=cursor)
            yield from (item.key for item in page.objects)
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def presign(
        self,
        method: str,
        key: str,
        expires_in: int,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
    ) -> str:
        """A URL for the public endpoint that allows `method` on `key` for `expires_in` seconds;
        the signature covers `headers`, which the caller must then send exactly."""
        url = self.public_endpoint + self._path(key)
        if query:
            url += "?" + _query(query)
        request = AWSRequest(method, url, headers=dict(headers or {}))
        S3SigV4QueryAuth(self.credentials, "s3", self.region, expires=expires_in).add_auth(request)
        return str(request.url)

    def bucket_exists(self) -> bool:
        response = self.send("HEAD", self._bucket_path())
        if response.status == 404:
            return False
        _expect_success(response.status)
        return True

    def check_bucket(self) -> None:
        """Readiness: raises S3Unavailable unless the bucket is there and answers."""
        if not self.bucket_exists():
            raise S3Unavailable(f"the bucket {self.bucket} does not exist")

    def ensure_bucket(self) -> None:
        if not self.bucket_exists():
            _expect_success(self.send("PUT", self._bucket_path()).status)

    def _path(self, key: str) -> str:
        return f"/{quote(self.bucket)}/{quote(key, safe='/~')}"

    def _bucket_path(self, query: str = "") -> str:
        return f"/{quote(self.bucket)}" + (f"?{query}" if query else "")

    def send(
        self,
        method: str,
        path: str,
        body: bytes | BinaryIO = b"",
        headers: Mapping[str, str] | None = None,
        *,
        stream: bool = False,
    ) -> urllib3.BaseHTTPResponse:
        # The signer hashes the body (a file: read through, then rewound) into
        # x-amz-content-sha256 and signs every header given.
        request = AWSRequest(method, self.endpoint + path, data=body, headers=dict(headers or {}))
        S3SigV4Auth(self.credentials, "s3", self.region).add_auth(request)
        try:
            return self.http.request(
                method,
                self.path_prefix + path,
                body=body or None,
                headers=dict(request.headers.items()),
                preload_content=not stream,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise S3Unavailable(f"S3 is unreachable: {type(exc).__name__}") from exc


class ObjectStream:
    """An object being read: its size, then its bytes in chunks (the connection is released
    when they are exhausted or the reader stops)."""

    def __init__(self, response: urllib3.BaseHTTPResponse) -> None:
        self.response = response
        self.size = int(response.headers.get("Content-Length", 0))
        self.headers: Mapping[str, str] = response.headers

    def chunks(self) -> Generator[bytes, None, None]:
        finished = False
        try:
            yield from self.response.stream(STREAM_CHUNK_BYTES)
            finished = True
        except urllib3.exceptions.HTTPError as exc:
            raise S3Unavailable(f"S3 stopped sending: {type(exc).__name__}") from exc
        finally:
            if not finished:
                self.response.close()  # bytes left unread: this connection cannot be reused
            self.response.release_conn()

    def read(self) -> bytes:
        return b"".join(self.chunks())


def _missing(status: int, error_document: bytes) -> bool:
    """No such key (a missing *bucket* is a broken store, not a missing object)."""
    return status == 404 and b"<Code>NoSuchBucket</Code>" not in error_document


def _expect_success(status: int) -> None:
    if not 200 <= status < 300:
        raise S3Unavailable(f"S3 answered HTTP {status}")


def _length(body: bytes | BinaryIO) -> int:
    if isinstance(body, bytes):
        return len(body)
    body.seek(0, 2)
    size = body.tell()
    body.seek(0)
    return size
