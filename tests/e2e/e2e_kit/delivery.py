"""Signing delivery URLs in the test, independently of the platform's own signer.

Written from imgproxy's signing documentation: the signature is the URL-safe base64 (without
padding) of HMAC-SHA256, keyed with the hex-decoded key, over the hex-decoded salt followed by
the path after the signature (leading "/" included), optionally truncated to N bytes first.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx


def imgproxy_signature(key_hex: str, salt_hex: str, path: str, size: int = 32) -> str:
    mac = hmac.new(bytes.fromhex(key_hex), bytes.fromhex(salt_hex) + path.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:size]).decode().rstrip("=")


@dataclass(frozen=True)
class Key:
    account_id: str
    id: str
    key: str
    salt: str

    def url(self, image_id: str, options: str = "", extension: str | None = "png") -> str:
        """`/d/{account}/{signature}/{options}/plain/{image id}@{extension}`."""
        path = (f"/{options}" if options else "") + f"/plain/{image_id}"
        path += f"@{extension}" if extension else ""
        return f"/d/{self.account_id}/{imgproxy_signature(self.key, self.salt, path)}{path}"

    def base64_url(self, image_id: str, options: str, extension: str) -> str:
        """`/d/{account}/{signature}/{options}/{base64url(image id)}.{extension}`."""
        encoded = base64.urlsafe_b64encode(image_id.encode()).decode().rstrip("=")
        path = f"/{options}/{encoded}.{extension}"
        return f"/d/{self.account_id}/{imgproxy_signature(self.key, self.salt, path)}{path}"


def new_key(user: Any) -> Key:
    response = user.http.post("/delivery/keys")
    assert response.status_code == 201, response.text
    body = response.json()
    return Key(user.id, body["id"], body["key"], body["salt"])


def fetch_until_ready(
    client: httpx.Client, url: str, timeout: float = 60, **kwargs: Any
) -> httpx.Response:
    """GET until the variant stops answering 503 (still rendering on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url, **kwargs)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)
