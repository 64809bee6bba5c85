"""The transformer's hot S3 calls: one signed GET or PUT of a whole object on kept-alive
connections.

boto3's get_object and put_object spend about 3 ms of Python per call (event hooks, the
request and response models, endpoint ruleset resolution) on a job whose libvips work is
50-90 ms. The pool processes only GET whole sources and the parent only PUTs whole variants,
so both sign their request with botocore's own SigV4 signer (the platform's S3 settings:
endpoint, credentials, region; the payload hash included) and send it with urllib3, whose
response body arrives as one buffer. The failures are classified as ObjectStore's are.
"""

from collections.abc import Mapping
from urllib.parse import quote, urlsplit

import urllib3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from platform_common.s3 import CONNECT_TIMEOUT, READ_TIMEOUT
from platform_common.settings import S3Settings
from transformer_service.domain.errors import SourceNotFound, StorageUnavailable

# As the boto3 clients do ("standard" mode, 3 attempts): a dropped connection or a 5xx once
# more, after a short pause. Both methods are idempotent here: GET reads, and a PUT writes the
# same bytes to the same content-addressed key however often it is sent.
RETRIES = urllib3.Retry(
    total=2,
    backoff_factor=0.05,
    status_forcelist=(500, 502, 503, 504),
    allowed_methods={"GET", "PUT"},
)


class SignedS3Client:
    """Whole-object GET and PUT in one bucket, path-style as every client of the platform.

    `connections` is how many requests may be in flight at once (more are still sent, on a
    connection that is closed afterwards): 1 in a pool process, which runs one job at a time.
    """

    def __init__(self, settings: S3Settings, bucket: str, *, connections: int = 1) -> None:
        self.endpoint = settings.s3_endpoint_url.rstrip("/")
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

    def read(self, key: str) -> bytes:
        """The whole object at `key`."""
        response = self._send("GET", key)
        if response.status == 404 and b"<Code>NoSuchBucket</Code>" not in response.data:
            raise SourceNotFound(f"the source object {key} does not exist")
        if response.status != 200:
            raise StorageUnavailable(f"object storage is unavailable: HTTP {response.status}")
        return response.data

    def write(
        self,
        key: str,
        data: bytes,
        content_type: str,
        cache_control: str,
        metadata: Mapping[str, str],
    ) -> None:
        """Store `data` at `key`; `metadata` comes back as head_object's Metadata."""
        headers = {"Content-Type": content_type, "Cache-Control": cache_control}
        headers |= {f"x-amz-meta-{name}": value for name, value in metadata.items()}
        response = self._send("PUT", key, data, headers)
        if not 200 <= response.status < 300:
            raise StorageUnavailable(f"object storage is unavailable: HTTP {response.status}")

    def _send(
        self, method: str, key: str, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> urllib3.BaseHTTPResponse:
        object_path = f"/{quote(self.bucket)}/{quote(key, safe='/~')}"
        # The signer hashes the body into x-amz-content-sha256 and signs every header given.
        request = AWSRequest(
            method, self.endpoint + object_path, data=body, headers=dict(headers or {})
        )
        S3SigV4Auth(self.credentials, "s3", self.region).add_auth(request)
        try:
            return self.http.request(
                method,
                self.path_prefix + object_path,
                body=body or None,
                headers=dict(request.headers.items()),
            )
        except urllib3.exceptions.HTTPError as exc:
            raise StorageUnavailable(
                f"object storage is unavailable: {type(exc).__name__}"
            ) from exc
