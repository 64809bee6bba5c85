"""The image formats accepted as originals, by the name used everywhere and their media type."""

ACCEPTED_MEDIA_TYPES: dict[str, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
    "tiff": "image/tiff",
    "heif": "image/heif",
}
ACCEPTED_FORMATS = sorted(ACCEPTED_MEDIA_TYPES)


def media_type_for(format_name: str) -> str:
    return ACCEPTED_MEDIA_TYPES.get(format_name, "application/octet-stream")


def is_accepted_media_type(media_type: str) -> bool:
    return media_type.split(";")[0].strip().lower() in ACCEPTED_MEDIA_TYPES.values()
