"""The EXIF subset and the ICC description, parsed with Pillow from the blobs libvips' header
read already holds (no second parse of the file)."""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from PIL import Image, ImageCms

from images_service.domain.insight import GpsPosition

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
MAKE, MODEL, ORIENTATION, DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
LENS_MAKE, LENS_MODEL = 0xA433, 0xA434
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True)
class ExifSubset:
    camera: str | None = None
    lens: str | None = None
    taken_at: str | None = None
    orientation: int | None = None
    gps: GpsPosition | None = None


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:200] or None


def _camera(make: str | None, model: str | None) -> str | None:
    if make and model and model.lower().startswith(make.lower()):
        return model  # "Canon" + "Canon EOS 5D" says the make twice
    return " ".join(part for part in (make, model) if part) or None


def _taken_at(raw: str | None, offset: str | None) -> str | None:
    """EXIF's "2024:05:01 14:30:00" as ISO 8601; None when it is not a date at all."""
    if not raw or len(raw) < 19 or raw[4] != ":" or raw[7] != ":":
        return None
    iso = f"{raw[0:4]}-{raw[5:7]}-{raw[8:10]}T{raw[11:19]}"
    return iso + offset if offset and len(offset) == 6 else iso


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(part) for part in cast("Iterable[Any]", value))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1 if _text(ref) in ("S", "W") else 1
    return round(sign * (d + m / 60 + s / 3600), 6)


def _gps(gps: dict[int, object]) -> GpsPosition | None:
    latitude = _degrees(gps.get(GPS_LAT), gps.get(GPS_LAT_REF))
    longitude = _degrees(gps.get(GPS_LON), gps.get(GPS_LON_REF))
    if latitude is None or longitude is None:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return GpsPosition(latitude=latitude, longitude=longitude)


def read_exif(blob: bytes | None) -> ExifSubset:
    """A malformed EXIF block is not a malformed image: what cannot be parsed is left out."""
    if not blob:
        return ExifSubset()
    exif = Image.Exif()
    try:
        exif.load(blob)
        details = exif.get_ifd(EXIF_IFD)
        gps = exif.get_ifd(GPS_IFD)
    except Exception:  # Pillow raises many kinds on hostile EXIF; none of them is the image's
        return ExifSubset()
    orientation = exif.get(ORIENTATION)
    lens = _camera(_text(details.get(LENS_MAKE)), _text(details.get(LENS_MODEL)))
    return ExifSubset(
        camera=_camera(_text(exif.get(MAKE)), _text(exif.get(MODEL))),
        lens=lens,
        taken_at=_taken_at(
            _text(details.get(DATETIME_ORIGINAL)) or _text(exif.get(DATETIME)),
            _text(details.get(OFFSET_TIME_ORIGINAL)),
        ),
        orientation=orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None,
        gps=_gps(gps),
    )


def icc_description(blob: bytes | None) -> str | None:
    if not blob:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(blob))
        return _text(ImageCms.getProfileDescription(profile))
    except (OSError, ImageCms.PyCMSError, ValueError, TypeError):
        return None
