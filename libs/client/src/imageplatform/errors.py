"""Every error answer of the platform, as one exception family carrying its `ErrorResponse`."""

from typing import Any

import httpx


class ImagePlatformError(Exception):
    """An error answer: `status`, `code` (stable), `message` (for people), `request_id`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        request_id: str | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details = details


class BadRequest(ImagePlatformError): ...


class Unauthorized(ImagePlatformError): ...


class Forbidden(ImagePlatformError): ...


class NotFound(ImagePlatformError): ...


class Conflict(ImagePlatformError): ...


class PayloadTooLarge(ImagePlatformError): ...


class UnsupportedMediaType(ImagePlatformError): ...


class ValidationFailed(ImagePlatformError):
    """422: `details` lists `{field, message}` for each bad field or unknown parameter."""


class RateLimited(ImagePlatformError):
    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class Unavailable(ImagePlatformError): ...


class TransformationFailed(Exception):
    """A transformation that finished without a result (its `error` says why)."""

    def __init__(self, transformation: Any) -> None:
        error = transformation.error
        super().__init__(f"transformation {transformation.id} failed: {error}")
        self.transformation = transformation


class WaitTimedOut(TimeoutError):
    pass


_BY_STATUS: dict[int, type[ImagePlatformError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
    422: ValidationFailed,
    429: RateLimited,
    503: Unavailable,
    504: Unavailable,
}


def raise_for_error(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
        request_id, details = error.get("request_id"), error.get("details")
    except (ValueError, KeyError, TypeError):
        code, message = "http_error", response.text[:300] or response.reason_phrase
        request_id, details = response.headers.get("x-request-id"), None
    kind = _BY_STATUS.get(response.status_code, ImagePlatformError)
    if kind is RateLimited:
        retry_after = response.headers.get("retry-after")
        raise RateLimited(
            response.status_code,
            code,
            message,
            request_id,
            details,
            retry_after=float(retry_after) if retry_after else None,
        )
    raise kind(response.status_code, code, message, request_id, details)
