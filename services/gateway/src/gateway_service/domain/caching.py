"""Conditional requests and which upstream responses the variant cache may keep."""

import re

# Variant bodies are content-addressed, so a given URL never changes: safe to keep.
_VARIANT_CONTENT = re.compile(r"^/images/[^/]+/transformations/[^/]+/content$")


def is_variant_content(method: str, path: str, query_string: bytes) -> bool:
    return method == "GET" and not query_string and _VARIANT_CONTENT.match(path) is not None


def is_immutable(cache_control: bytes | None) -> bool:
    if not cache_control:
        return False
    directives = {d.strip().split(b"=", 1)[0].lower() for d in cache_control.split(b",")}
    return b"immutable" in directives and b"no-store" not in directives


def etag_matches(if_none_match: bytes | None, etag: bytes | None) -> bool:
    """Weak comparison (RFC 9110 13.1.2), the one If-None-Match uses."""
    if not if_none_match or not etag:
        return False
    if if_none_match.strip() == b"*":
        return True
    wanted = etag.removeprefix(b"W/")
    return any(t.strip().removeprefix(b"W/") == wanted for t in if_none_match.split(b","))


def image_id_of(path: str) -> str | None:
    """`/images/{id}/...` -> id, to drop cached variants when their image is deleted."""
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "images" and parts[2] else None
