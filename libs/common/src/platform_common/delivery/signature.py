"""imgproxy's URL signature: URL-safe base64 (no padding) of HMAC-SHA256(key, salt + path).

`path` is everything after the signature segment, with its leading "/", exactly as sent (still
percent-encoded). Key and salt are hex, as imgproxy's IMGPROXY_KEY / IMGPROXY_SALT; `size`
truncates the digest like IMGPROXY_SIGNATURE_SIZE (32 = the whole digest).
"""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

DIGEST_SIZE = 32
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class SigningPair:
    key_id: str
    key: bytes
    salt: bytes

    @classmethod
    def from_hex(cls, key_id: str, key_hex: str, salt_hex: str) -> "SigningPair":
        return cls(key_id, bytes.fromhex(key_hex), bytes.fromhex(salt_hex))


def new_secret_hex() -> str:
    """A random key or salt, hex-encoded."""
    return secrets.token_hex(SECRET_BYTES)


def signature(key: bytes, salt: bytes, path: str, size: int = DIGEST_SIZE) -> str:
    digest = hmac.new(key, salt + path.encode(), hashlib.sha256).digest()[:size]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def matching_pair(
    pairs: Iterable[SigningPair], given: str, path: str, size: int = DIGEST_SIZE
) -> SigningPair | None:
    """The pair that signed `path` as `given`, compared in constant time; None if none did."""
    found = None
    for pair in pairs:
        if hmac.compare_digest(signature(pair.key, pair.salt, path, size), given):
            found = pair
    return found
