"""HEIC (HEIF with HEVC) decoding through pillow-heif, whose wheel ships libheif with the
libde265 HEVC decoder; the bundled libvips reads HEIF headers but has no HEVC decoder.

The header is still read by libvips first (probe), so the pixel limits hold before this decoder
sees a byte of image data, and it runs in the same disposable worker process as every decode.
The decoded pixels become an ordinary libvips image (with the file's ICC profile), so every
operation and encoder works on them as on any other source.
"""

import numpy as np
import pillow_heif
import pyvips

from transformer_service.domain.errors import SourceCorrupt

HEIF_LOADER = "VipsForeignLoadHeifBuffer"


def is_hevc(header: pyvips.Image) -> bool:
    fields = header.get_fields()
    return "heif-compression" in fields and header.get("heif-compression") == "hevc"


def decode_hevc(data: bytes) -> pyvips.Image:
    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        width, height = heif.size
        bands = len(heif.mode)  # "RGB" or "RGBA" once HDR is converted to 8 bit
        rows = np.frombuffer(heif.data, dtype=np.uint8).reshape(height, heif.stride)
        pixels = np.ascontiguousarray(rows[:, : width * bands])
    except (ValueError, RuntimeError) as exc:
        raise SourceCorrupt(f"the HEIC source could not be decoded: {exc}") from exc
    image = pyvips.Image.new_from_memory(pixels.data, width, height, bands, "uchar")
    image = image.copy(interpretation="srgb")
    icc = heif.info.get("icc_profile")
    if icc:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(icc))
    return image
