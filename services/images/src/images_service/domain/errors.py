"""What can go wrong for a client, each with a stable code and a message a person can act on.

No HTTP here: each error belongs to one of a few kinds (missing, conflicting, invalid, ...),
and the entrypoints map a kind to a status (`entrypoints/api/errors.py`).
"""

from typing import Any


class ImagesError(Exception):
    """A refusal the client can act on; `retry_after_seconds` when trying later will work."""

    code: str = "bad_request"
    retry_after_seconds: int | None = None

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details


class Missing(ImagesError):
    """Not there, or not the caller's: the same answer, so ids do not leak who owns what."""

    code = "not_found"


class Unauthenticated(ImagesError):
    code = "not_authenticated"


class Conflicting(ImagesError):
    """Valid, but not in the current state of things."""

    code = "conflict"


class Expired(ImagesError):
    code = "expired"


class Invalid(ImagesError):
    """The request's content cannot be used as it is."""

    code = "validation_error"


class MalformedOptions(ImagesError):
    """A URL's processing options cannot be read (its syntax, before any content)."""

    code = "invalid_option"


class TooLarge(ImagesError):
    code = "too_large"


class UnsupportedMedia(ImagesError):
    code = "unsupported_media_type"


class OverBudget(ImagesError):
    code = "over_budget"


class NotReadyYet(ImagesError):
    """Accepted and under way; the same request later gets the result."""

    code = "not_ready"


class ImageNotFound(Missing):
    code = "image_not_found"

    def __init__(self) -> None:
        # Same answer for "missing" and "someone else's": ids do not leak who owns what.
        super().__init__("No image with this id")


class AccountDeleted(Unauthenticated):
    code = "account_deleted"

    def __init__(self) -> None:
        super().__init__("The account for this token was deleted; nothing can be added to it")


class ContentGone(Missing):
    code = "image_content_missing"

    def __init__(self) -> None:
        super().__init__(
            "The stored bytes are gone (the image is being deleted, or storage lost them); "
            "upload the image again, or request the transformation again"
        )


class TransformationNotFound(Missing):
    code = "transformation_not_found"

    def __init__(self) -> None:
        super().__init__("No transformation with this id for this image")


class UploadNotFound(Missing):
    code = "upload_not_found"

    def __init__(self) -> None:
        super().__init__("No pending upload with this id")


class UploadTooLarge(TooLarge):
    code = "upload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The image is larger than the {limit} bytes allowed", details={"limit": limit}
        )


class UnsupportedImageType(UnsupportedMedia):
    code = "unsupported_image_type"

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(
            "The bytes are not an image type we accept (whatever the Content-Type says); "
            f"send one of: {', '.join(allowed)}",
            details={"allowed": allowed},
        )


class TooManyPixels(Invalid):
    code = "too_many_pixels"

    def __init__(self, pixels: int, limit: int) -> None:
        super().__init__(
            f"The image has {pixels} pixels; at most {limit} are allowed",
            details={"pixels": pixels, "limit": limit},
        )


class CorruptImage(Invalid):
    code = "corrupt_image"

    def __init__(self, format_name: str) -> None:
        super().__init__(
            f"The file starts like a {format_name.upper()} image but cannot be read; "
            "it is corrupt or truncated"
        )


class UndecodableImage(Invalid):
    """The header reads, the pixels do not: refused at upload rather than failing later."""

    code = "undecodable_image"

    def __init__(self, format_name: str, reason: str) -> None:
        super().__init__(
            f"The {format_name.upper()} file's header reads, but its pixels cannot be decoded "
            f"({reason or 'no detail from the decoder'}); the file is damaged",
        )


class UnsupportedFormat(UnsupportedMedia):
    """The format is accepted, but this file uses a variant of it the platform cannot decode."""

    code = "unsupported_format"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class TruncatedImage(Invalid):
    """The file ends before its format says it should: the upload was cut short."""

    code = "truncated_image"

    def __init__(self, format_name: str, what: str) -> None:
        super().__init__(
            f"The {format_name.upper()} file is truncated: {what}. "
            "It was probably cut short in transfer; upload the complete file again",
            details={"format": format_name},
        )


class InvalidRequest(Invalid):
    code = "validation_error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message, details=details)


class UploadNotReceived(Conflicting):
    code = "upload_not_received"

    def __init__(self) -> None:
        super().__init__(
            "Nothing was uploaded to the presigned URL yet; PUT the file, then complete"
        )


class UploadExpired(Expired):
    code = "upload_expired"

    def __init__(self) -> None:
        super().__init__("This upload has expired; start a new one")


class TransformationNotReady(Conflicting):
    code = "transformation_not_ready"

    def __init__(self, status: str, error_code: str | None = None) -> None:
        detail = f" ({error_code})" if error_code else ""
        super().__init__(
            f"The transformation is {status}{detail}; its result is not available",
            details={"status": status, "error_code": error_code},
        )


class SigningKeyNotFound(Missing):
    code = "signing_key_not_found"

    def __init__(self) -> None:
        super().__init__("No signing key with this id")


class TooManySigningKeys(Conflicting):
    code = "too_many_signing_keys"

    def __init__(self, limit: int) -> None:
        super().__init__(f"An account holds at most {limit} signing keys; delete one first")


class InvalidDeliveryOptions(MalformedOptions):
    """Processing options that do not make a valid transformation, naming the option."""

    code = "invalid_option"


class PresetNotFound(Missing):
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


class RenderBudgetExceeded(OverBudget):
    code = "render_budget_exceeded"
    retry_after_seconds = 60

    def __init__(self) -> None:
        super().__init__(
            "This account's budget for new renders is used up; already-made variants still "
            "load. Try again in a minute.",
        )


class StillRendering(NotReadyYet):
    code = "still_rendering"
    retry_after_seconds = 1

    def __init__(self) -> None:
        super().__init__("The variant is still being made; try again in a moment")


class ForbiddenAddress(Invalid):
    """A URL whose host is (or resolves to) an address we refuse to connect to."""

    code = "forbidden_address"

    def __init__(self, host: str, address: str | None, reason: str | None) -> None:
        where = f"{host} ({address})" if address and address != host else host
        super().__init__(
            f"{where} {reason or 'is not allowed'}; only public internet addresses can be reached",
            details={"host": host, "address": address},
        )
        self.host = host
        self.address = address


class RemoteFetchFailed(Invalid):
    code = "fetch_failed"
