"""What can go wrong for a client, each with its HTTP status and a message a person can act on."""

from typing import Any

from platform_common.errors import AppError, Conflict, NotFound, Unauthorized


class ImageNotFound(NotFound):
    code = "image_not_found"

    def __init__(self) -> None:
        # Same answer for "missing" and "someone else's": ids do not leak who owns what.
        super().__init__("No image with this id")


class AccountDeleted(Unauthorized):
    code = "account_deleted"

    def __init__(self) -> None:
        super().__init__("The account for this token was deleted; nothing can be added to it")


class ContentGone(NotFound):
    code = "image_content_missing"

    def __init__(self) -> None:
        super().__init__(
            "The stored bytes are gone (the image is being deleted, or storage lost them); "
            "upload the image again, or request the transformation again"
        )


class TransformationNotFound(NotFound):
    code = "transformation_not_found"

    def __init__(self) -> None:
        super().__init__("No transformation with this id for this image")


class UploadNotFound(NotFound):
    code = "upload_not_found"

    def __init__(self) -> None:
        super().__init__("No pending upload with this id")


class UploadTooLarge(AppError):
    status_code = 413
    code = "upload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The image is larger than the {limit} bytes allowed", details={"limit": limit}
        )


class UnsupportedImageType(AppError):
    status_code = 415
    code = "unsupported_image_type"

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(
            "The bytes are not an image type we accept (whatever the Content-Type says); "
            f"send one of: {', '.join(allowed)}",
            details={"allowed": allowed},
        )


class TooManyPixels(AppError):
    status_code = 422
    code = "too_many_pixels"

    def __init__(self, pixels: int, limit: int) -> None:
        super().__init__(
            f"The image has {pixels} pixels; at most {limit} are allowed",
            details={"pixels": pixels, "limit": limit},
        )


class CorruptImage(AppError):
    status_code = 422
    code = "corrupt_image"

    def __init__(self, format_name: str) -> None:
        super().__init__(
            f"The file starts like a {format_name.upper()} image but cannot be read; "
            "it is corrupt or truncated"
        )


class UndecodableImage(AppError):
    """The header reads, the pixels do not: refused at upload rather than failing later."""

    status_code = 422
    code = "undecodable_image"

    def __init__(self, format_name: str, reason: str) -> None:
        super().__init__(
            f"The {format_name.upper()} file's header reads, but its pixels cannot be decoded "
            f"({reason or 'no detail from the decoder'}); the file is damaged",
        )


class UnsupportedFormat(AppError):
    """The format is accepted, but this file uses a variant of it the platform cannot decode."""

    status_code = 415
    code = "unsupported_format"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class TruncatedImage(AppError):
    """The file ends before its format says it should: the upload was cut short."""

    status_code = 422
    code = "truncated_image"

    def __init__(self, format_name: str, what: str) -> None:
        super().__init__(
            f"The {format_name.upper()} file is truncated: {what}. "
            "It was probably cut short in transfer; upload the complete file again",
            details={"format": format_name},
        )


class InvalidRequest(AppError):
    status_code = 422
    code = "validation_error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message, details=details)


class UploadNotReceived(Conflict):
    code = "upload_not_received"

    def __init__(self) -> None:
        super().__init__(
            "Nothing was uploaded to the presigned URL yet; PUT the file, then complete"
        )


class UploadExpired(AppError):
    status_code = 410
    code = "upload_expired"

    def __init__(self) -> None:
        super().__init__("This upload has expired; start a new one")


class TransformationNotReady(Conflict):
    code = "transformation_not_ready"

    def __init__(self, status: str, error_code: str | None = None) -> None:
        detail = f" ({error_code})" if error_code else ""
        super().__init__(
            f"The transformation is {status}{detail}; its result is not available",
            details={"status": status, "error_code": error_code},
        )


class SigningKeyNotFound(NotFound):
    code = "signing_key_not_found"

    def __init__(self) -> None:
        super().__init__("No signing key with this id")


class TooManySigningKeys(Conflict):
    code = "too_many_signing_keys"

    def __init__(self, limit: int) -> None:
        super().__init__(f"An account holds at most {limit} signing keys; delete one first")


class InvalidDeliveryOptions(AppError):
    """Processing options that do not make a valid transformation: 400, naming the option."""

    status_code = 400
    code = "invalid_option"


class PresetNotFound(NotFound):
    code = "preset_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"No preset named {name!r}; create it with PUT /presets/{name}")
        self.details = {"preset": name}


class UnknownPreset(InvalidRequest):
    code = "unknown_preset"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"No preset named {name!r}; create it with PUT /presets/{name}",
            details=[{"field": "presets", "message": f"unknown preset {name!r}"}],
        )


class RenderBudgetExceeded(AppError):
    status_code = 429
    code = "render_budget_exceeded"

    def __init__(self) -> None:
        super().__init__(
            "This account's budget for new renders is used up; already-made variants still "
            "load. Try again in a minute.",
            headers={"Retry-After": "60"},
        )


class StillRendering(AppError):
    status_code = 503
    code = "still_rendering"

    def __init__(self) -> None:
        super().__init__(
            "The variant is still being made; try again in a moment",
            headers={"Retry-After": "1", "Cache-Control": "no-store"},
        )


class ForbiddenAddress(AppError):
    """A URL whose host is (or resolves to) an address we refuse to connect to."""

    status_code = 422
    code = "forbidden_address"

    def __init__(self, host: str, address: str | None, reason: str | None) -> None:
        where = f"{host} ({address})" if address and address != host else host
        super().__init__(
            f"{where} {reason or 'is not allowed'}; only public internet addresses can be reached",
            details={"host": host, "address": address},
        )
        self.host = host
        self.address = address


class RemoteFetchFailed(AppError):
    status_code = 422
    code = "fetch_failed"
