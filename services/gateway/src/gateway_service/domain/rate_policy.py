"""Who is limited how much: the request's category and the identity its budget belongs to."""

import math
from dataclasses import dataclass
from enum import StrEnum

from platform_common.transform_spec.cost import COST_HEADER, JobCost

# Between the services only (stripped from the client's answer).
TRANSFORM_COST_HEADER = COST_HEADER.lower().encode()


class LimitCategory(StrEnum):
    LOGIN = "login"
    UPLOADS = "uploads"
    TRANSFORMS = "transforms"
    READS = "reads"  # and every other request
    # Public delivery, per account: every request, and those that start a new render.
    DELIVERY_READS = "delivery_reads"
    DELIVERY_RENDERS = "delivery_renders"


_LOGIN_PATHS = frozenset({"/auth/login", "/auth/token", "/auth/register"})


def categorize(method: str, path: str, query_string: bytes) -> LimitCategory:
    parts = path.rstrip("/").split("/")  # "/images/{id}/transform" -> ["", "images", id, ...]
    if method == "POST":
        if path in _LOGIN_PATHS:
            return LimitCategory.LOGIN
        if parts[1:2] == ["images"] and (
            # multipart, presigned start and complete, and upload from a URL
            len(parts) == 2 or parts[2] in ("uploads", "fetch")
        ):
            return LimitCategory.UPLOADS
        if len(parts) == 4 and parts[1] == "images" and parts[3] == "transform":
            return LimitCategory.TRANSFORMS
    # An on-the-fly variant (`/images/{id}/content?w=...`) may run a transformation.
    if (
        method == "GET"
        and query_string
        and len(parts) == 4
        and parts[1] == "images"
        and parts[3] == "content"
    ):
        return LimitCategory.TRANSFORMS
    return LimitCategory.READS


def identity(subject: str | None, client_address: str | None) -> str:
    """Signed-in callers get their own budget wherever they are; others share their address's."""
    if subject:
        return f"user:{subject}"
    return f"addr:{client_address or 'unknown'}"


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float  # seconds until a slot frees up

    def headers(self) -> list[tuple[bytes, bytes]]:
        reset = str(max(1, math.ceil(self.reset_after))).encode()
        headers = [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(max(0, self.remaining)).encode()),
            (b"ratelimit-reset", reset),
        ]
        if not self.allowed:
            headers.append((b"retry-after", reset))
        return headers


def transform_cost_units(header: str | None, unit: float, ceiling: int) -> int:
    """How much of the transforms budget a request spends: its estimated cost in units of `unit`
    megapixel-operations, at least 1 and at most `ceiling` (the whole window). A request with no
    estimate (an identical variant already existed) or with units off (`unit` 0) spends 1."""
    if not header or unit <= 0:
        return 1
    try:
        megapixel_ops = float(header)
    except ValueError:
        return 1
    if not math.isfinite(megapixel_ops) or megapixel_ops < 0:
        return 1
    return JobCost(megapixel_ops).units(unit, ceiling)
