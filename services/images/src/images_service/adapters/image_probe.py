"""Width, height, frame count, alpha and the metadata blobs (EXIF, ICC) from an image's header,
without decoding its pixels."""

from dataclasses import dataclass
from typing import BinaryIO

import pyvips

from images_service.adapters.content_sniffing import source_for


@dataclass(frozen=True)
class ImageHeader:
    width: int
    height: int
    pages: int
    heif_compression: str | None
    has_alpha: bool = False
    exif: bytes | None = None
    icc_profile: bytes | None = None

    @property
    def pixels(self) -> int:
        # Every frame of an animation gets decoded downstream, so all of them count.
        return self.width * self.height * self.pages


class UnreadableImage(Exception):
    """libvips could not parse the header."""


def _blob(image: pyvips.Image, name: str) -> bytes | None:
    return bytes(image.get(name)) if image.get_typeof(name) else None


def read_header(file: BinaryIO) -> ImageHeader:
    file.seek(0)
    try:
        # Sequential access: libvips reads only what the header needs; pixels stay undecoded.
        image = pyvips.Image.new_from_source(source_for(file), "", access="sequential")
        pages = image.get("n-pages") if image.get_typeof("n-pages") else 1
        compression = (
            image.get("heif-compression") if image.get_typeof("heif-compression") else None
        )
        return ImageHeader(
            image.width,
            image.height,
            max(int(pages), 1),
            compression,
            has_alpha=bool(image.hasalpha()),
            exif=_blob(image, "exif-data"),
            icc_profile=_blob(image, "icc-profile-data"),
        )
    except pyvips.Error as exc:
        raise UnreadableImage(str(exc).strip()) from exc
    finally:
        file.seek(0)
