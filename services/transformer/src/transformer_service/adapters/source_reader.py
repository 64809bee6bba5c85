"""The pool processes' S3 read: one signed GET on a kept-alive connection, body read whole.

boto3's get_object spends about 3 ms of Python per call (its event hooks, the request and
response models, a streaming body read in chunks) on a job whose libvips work is 50-90 ms; a
pool process only ever GETs whole objects, so it signs the request with botocore's own SigV4
signer (the platform's S3 settings: endpoint, credentials, region) and sends it with urllib3,
whose response body arrives as one buffer. The failures are classified as ObjectStore's are.
"""

from urllib.parse import quote, urlsplit

import urllib3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from platform_common.s3 import CONNECT_TIMEOUT, READ_TIMEOUT
from platform_common.settings import S3Settings
from transformer_service.domain.errors import SourceNotFound, StorageUnavailable

# As the boto3 clients do ("standard" mode, 3 attempts): a dropped connection or a 5xx once
# more, after a short pause. GET is idempotent.
RETRIES = urllib3.Retry(
    total=2, backoff_factor=0.05, status_forcelist=(500, 502, 503, 504), allowed_methods={"GET"}
)


class SourceReader:
    def __init__(self, settings: S3Settings, bucket: str) -> None:
        self.endpoint = settings.s3_endpoint_url.rstrip("/")
        self.bucket = bucket
        self.credentials = Credentials(settings.s3_access_key_id, settings.s3_secret_access_key)
        self.region = settings.s3_region
        # One connection is enough: a pool process runs one job at a time.
        self.http = urllib3.connection_from_url(
            self.endpoint,
            maxsize=1,
            timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
            retries=RETRIES,
        )
        self.path_prefix = urlsplit(self.endpoint).path  # an endpoint may sit under a path

    def read(self, key: str) -> bytes:
        """The whole object at `key` (path-style addressing, as every client of the platform)."""
        object_path = f"/{quote(self.bucket)}/{quote(key, safe='/~')}"
        try:
            response = self.http.request(
                "GET", self.path_prefix + object_path, headers=self._signed(object_path)
            )
        except urllib3.exceptions.HTTPError as exc:
            raise StorageUnavailable(
                f"object storage is unavailable: {type(exc).__name__}"
            ) from exc
        if response.status == 404 and b"<Code>NoSuchBucket</Code>" not in response.data:
            raise SourceNotFound(f"the source object {key} does not exist")
        if response.status != 200:
            raise StorageUnavailable(f"object storage is unavailable: HTTP {response.status}")
        return response.data

    def _signed(self, object_path: str) -> dict[str, str]:
        request = AWSRequest("GET", self.endpoint + object_path)
        S3SigV4Auth(self.credentials, "s3", self.region).add_auth(request)
        return dict(request.headers.items())
