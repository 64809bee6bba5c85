"""The delivery URL grammar (imgproxy's), split into its parts without judging the options.

    /d/{account}/{signature}/{option}/.../plain/{image id}@{extension}
    /d/{account}/{signature}/{option}/.../{base64url(image id)}.{extension}

Options are the segments holding a ":" (imgproxy's rule); the first segment without one starts
the source. The base64 source may be split into several segments, as imgproxy allows.
"""

import base64
import binascii
import uuid
from dataclasses import dataclass
from urllib.parse import unquote

PREFIX = "/d/"
PLAIN = "plain"
OPTION_SEPARATOR = ":"


class DeliveryUrlError(Exception):
    """A URL the delivery route refuses: imgproxy's status code and a message naming the part."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class DeliveryPath:
    account_id: uuid.UUID
    signature: str
    signed_path: str  # what the signature covers: "/" + everything after the signature
    options: tuple[str, ...]  # raw option segments, e.g. ("rs:fill:300:200", "q:80")
    image_id: uuid.UUID
    extension: str | None  # from "@ext" / ".ext"; None leaves the format open


def _bad_url(message: str) -> DeliveryUrlError:
    return DeliveryUrlError(404, "invalid_url", message)


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _bad_url(f"{what} {text[:80]!r} is not an id") from None


def _source(parts: list[str]) -> tuple[uuid.UUID, str | None]:
    if not parts or not parts[0]:
        raise _bad_url("The URL names no image: end it with /plain/{image id}@{extension}")
    if parts[0] == PLAIN and len(parts) > 1:
        source, _, extension = unquote("/".join(parts[1:])).partition("@")
        return _uuid(source, "The image"), extension or None
    encoded, _, extension = "".join(parts).partition(".")
    try:
        decoded = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_url(f"The source {encoded[:80]!r} is not URL-safe base64") from None
    return _uuid(decoded, "The decoded image"), extension or None


def parse_delivery_path(raw_path: str) -> DeliveryPath:
    """Split a raw (still percent-encoded) request path; DeliveryUrlError when malformed."""
    if not raw_path.startswith(PREFIX):
        raise _bad_url("Delivery URLs start with /d/{account id}/{signature}/")
    account, _, rest = raw_path[len(PREFIX) :].partition("/")
    signature, slash, after = rest.partition("/")
    if not slash or not signature:
        raise DeliveryUrlError(403, "signature_required", "The URL carries no signature")
    segments = after.split("/")
    options: list[str] = []
    while segments and OPTION_SEPARATOR in segments[0]:
        options.append(unquote(segments.pop(0)))
    image_id, extension = _source(segments)
    return DeliveryPath(
        account_id=_uuid(account, "The account"),
        signature=signature,
        signed_path="/" + after,
        options=tuple(options),
        image_id=image_id,
        extension=extension.lower() if extension else None,
    )
