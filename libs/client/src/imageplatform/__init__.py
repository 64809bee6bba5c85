"""The image platform's Python SDK: `Client` (blocking) and `AsyncClient` (asyncio), on httpx.

from imageplatform import Client

with Client("http://127.0.0.1:8000") as client:
    client.login("alice", "a long passphrase")
    image = client.upload("photo.jpg")
    job = client.transform(image.id, {"operations": [{"op": "resize", "width": 800}]})
    done = client.wait(job)
"""

from imageplatform.client import DIRECT_UPLOAD_THRESHOLD, AsyncClient, Client
from imageplatform.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    ImagePlatformError,
    NotFound,
    RateLimited,
    TransformationFailed,
    Unauthorized,
    ValidationFailed,
    WaitTimedOut,
)
from imageplatform.models import Image, ImagePage, Preset, Session, Transformation, User
from imageplatform.signing import delivery_path, imgproxy_signature

__all__ = [
    "DIRECT_UPLOAD_THRESHOLD",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "Forbidden",
    "Image",
    "ImagePage",
    "ImagePlatformError",
    "NotFound",
    "Preset",
    "RateLimited",
    "Session",
    "Transformation",
    "TransformationFailed",
    "Unauthorized",
    "User",
    "ValidationFailed",
    "WaitTimedOut",
    "delivery_path",
    "imgproxy_signature",
]
