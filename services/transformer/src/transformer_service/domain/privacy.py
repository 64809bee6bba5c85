"""Where a photo was taken never leaves in a rendered variant.

Variants are what delivery URLs and shares serve, so even when metadata is kept
(`strip_metadata: false`) the position is removed: the EXIF GPS directory, and an XMP packet that
names any GPS property (exif:GPSLatitude, ...) as a whole, as it cannot be edited safely here.
Camera, lens, date, other XMP and the ICC profile stay. The owner still sees the position in
the image's own details.
"""

import pyvips
from PIL import Image

EXIF_FIELD, XMP_FIELD = "exif-data", "xmp-data"
GPS_IFD = 0x8825
# libvips mirrors each EXIF tag as a field and writes them back into the blob on save:
# the GPS directory's mirrors (IFD 3) must go too.
GPS_FIELD_PREFIX = "exif-ifd3-"


def _exif_without_gps(blob: bytes) -> bytes | None:
    """The EXIF block without its GPS directory, or None when it cannot be parsed (dropped)."""
    exif = Image.Exif()
    try:
        exif.load(blob)
        exif.pop(GPS_IFD, None)
        return b"Exif\x00\x00" + exif.tobytes()
    except Exception:  # a block Pillow cannot rewrite is dropped, never passed on with GPS
        return None


def _xmp_has_position(image: pyvips.Image) -> bool:
    return b"GPS" in bytes(image.get(XMP_FIELD))


def without_position(image: pyvips.Image) -> pyvips.Image:
    fields = image.get_fields()
    doomed = [name for name in fields if name.startswith(GPS_FIELD_PREFIX)]
    if XMP_FIELD in fields and _xmp_has_position(image):
        doomed.append(XMP_FIELD)
    if EXIF_FIELD not in fields and not doomed:
        return image
    image = image.copy()
    for name in doomed:
        image.remove(name)
    if EXIF_FIELD in fields:
        cleaned = _exif_without_gps(bytes(image.get(EXIF_FIELD)))
        if cleaned is None:
            image.remove(EXIF_FIELD)
        else:
            image.set_type(pyvips.GValue.blob_type, EXIF_FIELD, cleaned)
    return image
