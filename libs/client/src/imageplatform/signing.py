"""Delivery URLs signed locally, with imgproxy's documented algorithm: the signature is the
URL-safe base64 (no padding) of HMAC-SHA256 keyed with `key`, over `salt` + the path that follows
the signature. Key and salt are hex, as `POST /delivery/keys` returns them (once)."""

import base64
import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import quote


def imgproxy_signature(key_hex: str, salt_hex: str, path: str) -> str:
    """`path` starts with "/" and is exactly what follows the signature segment in the URL."""
    digest = hmac.new(
        bytes.fromhex(key_hex), bytes.fromhex(salt_hex) + path.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def delivery_path(
    account_id: str,
    image_id: str,
    *,
    key: str,
    salt: str,
    options: str | Sequence[str] = (),
    extension: str | None = None,
    encoded: bool = False,
) -> str:
    """`/d/{account}/{signature}/{options}/plain/{image}@{ext}` (or the base64url source form
    with `encoded=True`). `options` are imgproxy processing options: "rs:fill:300:200/q:80",
    or a list of segments; `pr:name` uses a preset."""
    segments = [options] if isinstance(options, str) else list(options)
    option_path = "/".join(s.strip("/") for s in segments if s.strip("/"))
    if encoded:
        source = base64.urlsafe_b64encode(image_id.encode()).rstrip(b"=").decode()
        source += f".{extension}" if extension else ""
    else:
        source = f"plain/{quote(image_id, safe='')}" + (f"@{extension}" if extension else "")
    signed = f"/{option_path}/{source}" if option_path else f"/{source}"
    return f"/d/{account_id}/{imgproxy_signature(key, salt, signed)}{signed}"
